using System.Net;
using Orleans.Configuration;
using StackExchange.Redis;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>
/// How this node joins its cluster (section <c>Cluster</c>).
/// <list type="bullet">
/// <item><c>Localhost</c> (the default): one node with Orleans' development membership, nothing to install. Its silo
/// and gateway ports are free loopback ports unless <c>Cluster:SiloPort</c> / <c>Cluster:GatewayPort</c> name them, so
/// several engines on one machine, as the tests run them, never collide. 0 also means a free port.</item>
/// <item><c>Redis</c>: many nodes, membership in Redis (<c>ConnectionStrings:Redis</c>) with Orleans' own provider. Every
/// node runs the same process; the nodes of one cluster share <c>Cluster:ClusterId</c>, <c>Cluster:ServiceId</c> and
/// the store (PostgreSQL). A node advertises <c>Cluster:AdvertisedAddress</c> (default: this host's address), listens
/// on <c>Cluster:SiloPort</c> (default 11111) and <c>Cluster:GatewayPort</c> (default 30000). With
/// <c>Cluster:Kubernetes</c> = true, Orleans' Kubernetes hosting takes the pod's address, name and cluster id.</item>
/// </list>
/// Failure detection is tuned for seconds, not Orleans' defaults (probes every 10 s, 3 missed, about 15 s to declare a
/// node dead): see <see cref="ClusterTiming"/> and docs/reliability.md.
/// </summary>
public static class ClusterExtensions
{
    public const string Section = "Cluster";

    public static ISiloBuilder UseEngineClustering(this ISiloBuilder silo, IConfiguration config)
    {
        var section = config.GetSection(Section);
        var provider = section["Provider"] ?? "Localhost";
        var serviceId = section["ServiceId"] ?? "personalization-engine";
        var clusterId = section["ClusterId"] ?? "dev";
        if (string.Equals(provider, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            var siloPort = Port(section, "SiloPort", 0);
            var gatewayPort = Port(section, "GatewayPort", 0);
            return silo.UseLocalhostClustering(siloPort, gatewayPort, null, serviceId, clusterId).WithoutDirectoryCache();
        }
        if (!string.Equals(provider, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Cluster:Provider '{provider}' is not supported; use 'Localhost' (one node) or 'Redis' (many nodes).");
        }
        var redis = config.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("Cluster:Provider 'Redis' needs ConnectionStrings:Redis (for example 'localhost:6379').");
        }
        ConfigurationOptions redisOptions;
        try
        {
            redisOptions = ConfigurationOptions.Parse(redis);
        }
        catch (Exception ex) when (ex is ArgumentException or RedisConnectionException)
        {
            throw new InvalidOperationException($"ConnectionStrings:Redis is not a Redis connection string: {ex.Message}", ex);
        }
        // A node that cannot reach Redis at start keeps retrying instead of failing its start (Redis may come up later).
        redisOptions.AbortOnConnectFail = false;
        var storage = config["Storage:Provider"];
        if (!string.Equals(storage, "Postgres", StringComparison.OrdinalIgnoreCase) && !section.GetValue("AllowLocalStore", false))
        {
            throw new InvalidOperationException("Cluster:Provider 'Redis' needs a store every node shares: set Storage:Provider to 'Postgres' (with ConnectionStrings:Postgres).");
        }

        silo.UseRedisClustering(o => o.ConfigurationOptions = redisOptions);
        // The configured ids; under Kubernetes hosting the pod's ORLEANS_CLUSTER_ID / ORLEANS_SERVICE_ID win (set after).
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        if (section.GetValue("Kubernetes", false))
        {
            // Pod IP and name from the downward API (ports 11111/30000); membership stays in Redis.
            silo.UseKubernetesHosting();
        }
        else
        {
            var siloPort = Port(section, "SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
            var gatewayPort = Port(section, "GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
            var advertised = section["AdvertisedAddress"];
            if (string.IsNullOrWhiteSpace(advertised))
            {
                silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                if (!IPAddress.TryParse(advertised, out var address))
                {
                    throw new InvalidOperationException($"Cluster:AdvertisedAddress must be an IP address, not '{advertised}'.");
                }
                silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            }
        }
        var timing = section.GetSection("Membership").Get<ClusterTiming>() ?? new ClusterTiming();
        timing.Validate();
        silo.Configure<ClusterMembershipOptions>(timing.ApplyTo);
        // A call to a node that died mid-call fails after this (Orleans' default is 30 s); the gateway answers 503.
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = timing.ResponseTimeout);
        return silo;
    }

    /// <summary>
    /// One node: every grain is local, so Orleans' cache of other nodes' grain addresses only ever holds copies of this
    /// node's own directory entries (about 230 B per activation, kept after an identity grain has left). Not cached here.
    /// </summary>
    public static ISiloBuilder WithoutDirectoryCache(this ISiloBuilder silo) =>
        silo.Configure<GrainDirectoryOptions>(o => o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None);

    private static int Port(IConfigurationSection section, string key, int fallback)
    {
        var value = section.GetValue<int?>(key) ?? fallback;
        if (value is < 0 or > 65535) throw new InvalidOperationException($"Cluster:{key} must be a port (0-65535), not {value}.");
        return value == 0 ? PersonalizationEngine.Grains.Hosting.LoopbackPorts.Free() : value;
    }
}

/// <summary>
/// Failure-detection timing (section <c>Cluster:Membership</c>). Each node probes a few others every
/// <see cref="ProbeTimeout"/>; after <see cref="MissedProbes"/> missed probes it suspects the node, and
/// <see cref="DeathVotes"/> suspicions declare it dead. The defaults declare a killed node dead in about
/// ProbeTimeout x MissedProbes = 2 s (a refused connection fails a probe at once) instead of Orleans' 10-16 s.
/// Lower values detect faster and risk declaring a node dead during a long GC pause or a CPU spike.
/// </summary>
public sealed class ClusterTiming
{
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int MissedProbes { get; set; } = 2;

    public int DeathVotes { get; set; } = 2;

    /// <summary>How often each node re-reads the membership table (catches changes gossip missed).</summary>
    public TimeSpan TableRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a node writes its heartbeat into the table (used to skip long-dead nodes at start).</summary>
    public TimeSpan IAmAlivePublish { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a grain call waits for its answer before it fails (a request then gets 503 + Retry-After).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (ProbeTimeout < TimeSpan.FromMilliseconds(200)) throw new InvalidOperationException("Cluster:Membership:ProbeTimeout must be at least 00:00:00.2.");
        if (MissedProbes < 1) throw new InvalidOperationException("Cluster:Membership:MissedProbes must be at least 1.");
        if (DeathVotes < 1) throw new InvalidOperationException("Cluster:Membership:DeathVotes must be at least 1.");
        if (TableRefresh < TimeSpan.FromMilliseconds(500)) throw new InvalidOperationException("Cluster:Membership:TableRefresh must be at least 00:00:00.5.");
        if (IAmAlivePublish < TimeSpan.FromSeconds(1)) throw new InvalidOperationException("Cluster:Membership:IAmAlivePublish must be at least 00:00:01.");
        if (ResponseTimeout < TimeSpan.FromSeconds(1)) throw new InvalidOperationException("Cluster:Membership:ResponseTimeout must be at least 00:00:01.");
    }

    internal void ApplyTo(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = ProbeTimeout;
        o.NumMissedProbesLimit = MissedProbes;
        o.NumVotesForDeathDeclaration = DeathVotes;
        o.TableRefreshTimeout = TableRefresh;
        o.IAmAliveTablePublishTimeout = IAmAlivePublish;
        // Votes older than this are ignored: long enough for DeathVotes suspicions to meet.
        o.DeathVoteExpirationTimeout = TimeSpan.FromTicks(ProbeTimeout.Ticks * MissedProbes * 10);
    }
}
