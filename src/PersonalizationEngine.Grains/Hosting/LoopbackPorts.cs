using System.Net;
using System.Net.Sockets;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>Free loopback ports for a one-node silo (the gateway, the CLI and the benchmarks co-host it and need no fixed port).</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
