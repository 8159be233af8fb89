using PersonalizationEngine.Contracts;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>The console's reads of one customer (issue 19), for the gateway: each is one call to the customer's grain.</summary>
public sealed class CustomerConsole(IGrainFactory grains)
{
    public Task<TimelinePage?> TimelineAsync(string profileId, int offset, int limit) =>
        grains.GetGrain<ICustomerGrain>(profileId).TimelineAsync(new TimelineQuery(offset, limit));

    public Task<IdentityGraph?> IdentityGraphAsync(string profileId) =>
        grains.GetGrain<ICustomerGrain>(profileId).IdentityGraphAsync();

    public Task<CustomerActivity?> ActivityAsync(string profileId) =>
        grains.GetGrain<ICustomerGrain>(profileId).ActivityAsync().AsTask();
}
