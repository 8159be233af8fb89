using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>
/// One node of a real multi-node cluster (issue 14): Orleans membership in Redis (PE_TEST_REDIS), state in PostgreSQL
/// (PE_TEST_POSTGRES, a schema per test), the silo on free loopback ports. Nodes built with the same cluster id and
/// schema form one cluster, as separate processes would.
/// </summary>
public sealed class ClusterNode(string clusterId, string schema) : WebApplicationFactory<Program>
{
    public const string Admin = "cluster-admin-key-0123456789";

    public static string Required(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v
        ? v : throw new InvalidOperationException($"{variable} is not set: the cluster tests need it (tests/run.sh starts PostgreSQL and Redis and sets it).");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:AdminKey", Admin);
        builder.UseSetting("Storage:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Postgres", Required("PE_TEST_POSTGRES"));
        builder.UseSetting("Storage:Postgres:Schema", schema);
        builder.UseSetting("Cluster:Provider", "Redis");
        builder.UseSetting("ConnectionStrings:Redis", Required("PE_TEST_REDIS"));
        builder.UseSetting("Cluster:ClusterId", clusterId);
        builder.UseSetting("Cluster:SiloPort", "0");
        builder.UseSetting("Cluster:GatewayPort", "0");
        builder.UseSetting("Cluster:AdvertisedAddress", "127.0.0.1");
        builder.UseSetting("Decisioning:ControlShare", "0"); // no control group: every decision names offers
        builder.UseSetting("Engine:MasterKey", Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        builder.UseSetting("Engine:IdentifierKey", Convert.ToBase64String(Enumerable.Range(9, 32).Select(i => (byte)i).ToArray()));
    }

    public HttpClient Client(string key = Admin)
    {
        var c = CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();
}

public sealed class ClusterTests : IAsyncLifetime
{
    private readonly string _cluster = "test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _schema = "cl_" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<ClusterNode> _nodes = [];

    private ClusterNode Start()
    {
        var node = new ClusterNode(_cluster, _schema);
        _nodes.Add(node);
        _ = node.Server; // starts the host (and its silo)
        return node;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var n in _nodes) await n.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Events(params (string Id, string User, string Type)[] events) => JsonSerializer.Serialize(events.Select(e => new
    {
        eventId = e.Id,
        identifiers = new Dictionary<string, string> { ["user_id"] = e.User },
        channel = "web",
        type = e.Type,
        timestamp = "2026-11-30T10:00:00Z",
        properties = new { },
    }));

    /// <summary>Polls until <paramref name="check"/> holds; returns how long it took, or fails after <paramref name="within"/>.</summary>
    private static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> check, TimeSpan within, string what, Func<string>? detail = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await check())
        {
            Assert.True(started.Elapsed < within, $"{what} did not happen within {within.TotalSeconds} s {detail?.Invoke()}");
            await Task.Delay(50);
        }
        return started.Elapsed;
    }

    private static async Task<string> QueryKeyAsync(ClusterNode node) =>
        JsonNode.Parse(await (await node.Client().PostAsync("/api/v1/keys", Json("""{"name":"q","scopes":["query"]}"""))).Content.ReadAsStringAsync())!["key"]!.GetValue<string>();

    private static async Task<int> ActiveSilosAsync(ClusterNode node) =>
        (await node.Service<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    [Fact]
    public async Task Two_nodes_form_one_cluster_and_each_customer_lives_on_one_of_them()
    {
        var a = Start();
        var b = Start();
        await EventuallyAsync(async () => await ActiveSilosAsync(a) == 2 && await ActiveSilosAsync(b) == 2, TimeSpan.FromSeconds(20), "both silos joining");

        var ingest = a.Client();
        var users = Enumerable.Range(0, 20).Select(i => "node-user-" + i).ToList();
        var r = await ingest.PostAsync("/api/v1/events", Json(Events([.. users.Select(u => ("e-" + u, u, "page_view"))])));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The second event of each customer goes in through the other node: Orleans routes it to the same activation.
        r = await b.Client().PostAsync("/api/v1/events", Json(Events([.. users.Select(u => ("f-" + u, u, "product_view"))])));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        foreach (var u in users)
        {
            var fromB = JsonNode.Parse(await b.Client().GetStringAsync($"/api/v1/customers/user_id:{u}/profile"))!;
            var fromA = JsonNode.Parse(await a.Client().GetStringAsync($"/api/v1/customers/user_id:{u}/profile"))!;
            Assert.Equal(2, fromA["eventCount"]!.GetValue<int>());
            Assert.Equal(fromA["profileId"]!.GetValue<string>(), fromB["profileId"]!.GetValue<string>());
        }
        // One activation per customer in the whole cluster, spread over both nodes.
        var onA = a.Service<PersonalizationEngine.Grains.Hosting.ActivationCounter>().Count;
        var onB = b.Service<PersonalizationEngine.Grains.Hosting.ActivationCounter>().Count;
        Assert.Equal(users.Count, onA + onB);
        // Operators see the same through the API: both nodes active, the customers each holds; admin scope only.
        var view = JsonNode.Parse(await b.Client().GetStringAsync("/api/v1/cluster"))!;
        Assert.Equal(2, view["activeNodes"]!.GetValue<int>());
        Assert.Equal(users.Count, view["nodes"]!.AsArray().Sum(n => n!["customers"]!.GetValue<int>()));
        Assert.Single(view["nodes"]!.AsArray(), n => n!["thisNode"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, (await b.Client(await QueryKeyAsync(b)).GetAsync("/api/v1/cluster")).StatusCode);

        // The node holding most customers leaves: they come back on the other one with everything acknowledged.
        var (leaving, staying) = onA >= onB ? (a, b) : (b, a);
        await leaving.DisposeAsync();
        _nodes.Remove(leaving);
        await EventuallyAsync(async () => await ActiveSilosAsync(staying) == 1, TimeSpan.FromSeconds(20), "the cluster seeing the node gone");
        foreach (var u in users)
        {
            var profile = JsonNode.Parse(await staying.Client().GetStringAsync($"/api/v1/customers/user_id:{u}/profile"))!;
            Assert.Equal(2, profile["eventCount"]!.GetValue<int>());
        }
        Assert.Equal(users.Count, staying.Service<PersonalizationEngine.Grains.Hosting.ActivationCounter>().Count);
        Assert.Equal(1, JsonNode.Parse(await staying.Client().GetStringAsync("/api/v1/cluster"))!["activeNodes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Keys_offers_and_the_churn_model_changed_on_one_node_are_in_force_on_the_other_within_seconds()
    {
        var a = Start();
        var b = Start();
        var adminA = a.Client();
        var adminB = b.Client();

        // A key created on A works on B; revoked on B, it stops working on A.
        var created = JsonNode.Parse(await (await adminA.PostAsync("/api/v1/keys", Json("""{"name":"reader","scopes":["query"]}"""))).Content.ReadAsStringAsync())!;
        var secret = created["key"]!.GetValue<string>();
        var id = created["id"]!.GetValue<string>();
        var keyOnB = b.Client(secret);
        // (An unknown customer's profile: 404 with a working query key, 401 without one.)
        const string probe = "/api/v1/customers/user_id:nobody/profile";
        await EventuallyAsync(async () => (await keyOnB.GetAsync(probe)).StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(3), "the new key working on B");
        Assert.Equal(HttpStatusCode.NoContent, (await adminB.DeleteAsync("/api/v1/keys/" + id)).StatusCode);
        var keyOnA = a.Client(secret);
        await EventuallyAsync(async () => (await keyOnA.GetAsync(probe)).StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(3), "the revoked key refused on A");
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyOnB.GetAsync(probe)).StatusCode);

        // An offer created on A is decided on B.
        Assert.Equal(HttpStatusCode.Created, (await adminA.PostAsync("/api/v1/offers", Json("""{"offerId":"cluster-offer","name":"Cluster offer","value":500,"placements":["home"],"creative":{"title":"Hello"}}"""))).StatusCode);
        await adminB.PostAsync("/api/v1/events", Json(Events(("o1", "offer-user", "page_view"))));
        var last = "";
        await EventuallyAsync(async () =>
        {
            last = await adminB.GetStringAsync("/api/v1/customers/user_id:offer-user/next-best-offer?channel=web&placement=home&limit=10");
            return JsonNode.Parse(last)!["offers"]!.AsArray().Any(o => o!["offerId"]!.GetValue<string>() == "cluster-offer");
        }, TimeSpan.FromSeconds(3), "the offer decided on B", () => "(last answer: " + last + ")");

        // A segment defined on A is listed on B.
        Assert.Equal(HttpStatusCode.Created, (await adminA.PostAsync("/api/v1/segments", Json("""{"id":"cluster-seg","name":"Cluster segment","condition":{"all":[{"feature":"page_views_total","op":">=","value":1}]}}"""))).StatusCode);
        await EventuallyAsync(async () => (await adminB.GetAsync("/api/v1/segments/cluster-seg")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(3), "the segment on B");

        // A churn model uploaded through B is the active one on A.
        var artefact = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "models", "churn.json")))!;
        artefact["version"] = "cluster-upload-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.OK, (await adminB.PutAsync("/api/v1/models/churn", Json(artefact.ToJsonString()))).StatusCode);
        await EventuallyAsync(async () => JsonNode.Parse(await adminA.GetStringAsync("/api/v1/models/churn"))!["version"]!.GetValue<string>() == artefact["version"]!.GetValue<string>(),
            TimeSpan.FromSeconds(3), "the uploaded model active on A");
    }
}
