using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// Writers that send batches of uniquely identified events to the engine and remember, per customer, every
/// event the engine acknowledged. A batch that got no 2xx is kept and retried (same event ids) until it does.
/// </summary>
internal sealed class LoadClient(Func<HttpClient> client, int workers, int customersPerWorker, int batchSize)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _acked = new();
    private readonly ConcurrentQueue<(int Worker, List<(string Customer, string EventId)> Events)> _pending = new();
    private long _sent, _ackedBatches, _failedBatches, _refused;
    private readonly ConcurrentDictionary<int, int> _statuses = new();

    public long Sent => Interlocked.Read(ref _sent);
    public long AckedBatches => Interlocked.Read(ref _ackedBatches);
    public long FailedBatches => Interlocked.Read(ref _failedBatches);
    public long Refused => Interlocked.Read(ref _refused);
    public int PendingBatches => _pending.Count;
    public IReadOnlyDictionary<int, int> Statuses => _statuses;
    public IReadOnlyDictionary<string, ConcurrentDictionary<string, byte>> Acked => _acked;
    public int AckedEvents => _acked.Values.Sum(v => v.Count);

    /// <summary>Runs the writers until cancelled; failed batches go to the retry queue.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop))));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var random = new Random(worker);
        var seq = 0;
        while (!stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(0, batchSize).Select(_ => ($"c{worker}-{random.Next(customersPerWorker)}", $"w{worker}-{seq++}")).ToList();
            Interlocked.Add(ref _sent, batch.Count);
            if (!await TrySendAsync(batch))
            {
                _pending.Enqueue((worker, batch));
                try { await Task.Delay(50, stop); } catch (OperationCanceledException) { }
            }
        }
    }

    /// <summary>Retries every unacknowledged batch until each is acknowledged (or the deadline passes).</summary>
    public async Task DrainAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (_pending.TryDequeue(out var item))
        {
            while (!await TrySendAsync(item.Events))
            {
                if (DateTime.UtcNow > until) throw new TimeoutException($"{_pending.Count + 1} batches still unacknowledged.");
                await Task.Delay(200);
            }
        }
    }

    private async Task<bool> TrySendAsync(List<(string Customer, string EventId)> batch)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        var json = "[" + string.Join(',', batch.Select(e =>
            $$"""{"eventId":"{{e.EventId}}","identifiers":{"user_id":"{{e.Customer}}"},"channel":"app","type":"page_view","timestamp":"{{now}}"}""")) + "]";
        try
        {
            using var response = await client().PostAsync("/api/v1/events", new StringContent(json, Encoding.UTF8, "application/json"));
            _statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if (response.StatusCode is HttpStatusCode.OK)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var results = body.RootElement.GetProperty("results");
                for (var i = 0; i < batch.Count; i++)
                {
                    var status = results[i].GetProperty("status").GetString();
                    if (status is "accepted" or "duplicate") _acked.GetOrAdd(batch[i].Customer, _ => new()).TryAdd(batch[i].EventId, 0);
                    else throw new InvalidOperationException($"Event {batch[i].EventId} was {status}.");
                }
                Interlocked.Increment(ref _ackedBatches);
                return true;
            }
            if ((int)response.StatusCode is 429 or 503)
            {
                Interlocked.Increment(ref _refused);
                if (response.Headers.RetryAfter is null) throw new InvalidOperationException($"{(int)response.StatusCode} without Retry-After.");
            }
            else if ((int)response.StatusCode >= 500)
            {
                throw new InvalidOperationException($"Unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (HttpRequestException) { }
        catch (TaskCanceledException) { }
        Interlocked.Increment(ref _failedBatches);
        return false;
    }
}
