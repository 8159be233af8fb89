
namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>
/// How this node joins its cluster (section <c>Cluster</c>). <c>Localhost</c> (the default) is one node with
/// Orleans' development membership: nothing to install. Its silo and gateway ports are free loopback ports unless
/// <c>Cluster:SiloPort</c> / <c>Cluster:GatewayPort</c> name them (the gateway co-hosts the silo and needs no fixed
/// port; several engines on one machine, as the tests run them, never collide). 0 also means a free port.
/// </summary>
public static class ClusterExtensions
{
    public static ISiloBuilder UseEngineClustering(this ISiloBuilder silo, IConfiguration config)
    {
        var section = config.GetSection("Cluster");
        var provider = section["Provider"] ?? "Localhost";
        if (!string.Equals(provider, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Cluster:Provider '{provider}' is not supported; use 'Localhost'.");
        }
        var siloPort = Port(section, "SiloPort", 0);
        var gatewayPort = Port(section, "GatewayPort", 0);
        return silo.UseLocalhostClustering(siloPort, gatewayPort, null, section["ServiceId"] ?? "personalization-engine", section["ClusterId"] ?? "dev");
    }

    private static int Port(IConfigurationSection section, string key, int fallback)
    {
        var value = section.GetValue<int?>(key) ?? fallback;
        if (value is < 0 or > 65535) throw new InvalidOperationException($"Cluster:{key} must be a port (0-65535), not {value}.");
        return value == 0 ? PersonalizationEngine.Grains.Hosting.LoopbackPorts.Free() : value;
    }

}
