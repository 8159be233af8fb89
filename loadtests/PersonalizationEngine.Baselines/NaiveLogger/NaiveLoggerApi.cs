using System.Text;
using System.Text.Json;
using Npgsql;

namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>
/// The naive durable logger: parses the engine's ingest bodies and inserts every event as one row, one transaction per
/// request, answering 200 only after the commit. What the store itself can take with no work per event.
/// </summary>
public static class NaiveLoggerApi
{
    public static IServiceCollection AddNaiveLogger(this IServiceCollection services, IConfiguration configuration)
    {
        var options = NaiveLoggerOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton<IEventLog>(_ => options.Store == "postgres"
            ? new PostgresEventLog(NpgsqlDataSource.Create(options.ConnectionString), options.Table)
            : new SqliteEventLog(options.Path, options.Table));
        return services;
    }

    public static WebApplication MapNaiveLoggerApi(this WebApplication app)
    {
        // The table exists before the first request can arrive.
        app.Services.GetRequiredService<IEventLog>().EnsureSchemaAsync(CancellationToken.None).GetAwaiter().GetResult();
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/api/v1/events", (HttpContext context, IEventLog log, NaiveLoggerOptions options) => IngestAsync(context, log, options, segment: false));
        app.MapPost("/v1/batch", (HttpContext context, IEventLog log, NaiveLoggerOptions options) => IngestAsync(context, log, options, segment: true));
        return app;
    }

    private static async Task<IResult> IngestAsync(HttpContext context, IEventLog log, NaiveLoggerOptions options, bool segment)
    {
        if (!Authorised(context.Request.Headers.Authorization.ToString(), options.Key))
        {
            return Results.Problem("an API key is required (Authorization: Bearer KEY, or Basic with the key as user name)", statusCode: 401);
        }

        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Results.Problem("body is not valid JSON: " + e.Message, statusCode: 400);
        }

        using (doc)
        {
            var events = new List<LoggedEvent>(segment ? 20 : 100);
            var error = segment ? EventParser.ParseSegment(doc.RootElement, events) : EventParser.ParseNative(doc.RootElement, events);
            if (error is not null)
            {
                return Results.Problem(error, statusCode: 400);
            }

            await log.AppendAsync(events, context.RequestAborted).ConfigureAwait(false);
            return segment ? Results.Ok(new { success = true }) : Results.Ok(new { accepted = events.Count });
        }
    }

    /// <summary>The engine's two styles: <c>Bearer KEY</c>, or Basic with the key as user name (Segment's write key).</summary>
    public static bool Authorised(string header, string? requiredKey)
    {
        string? presented = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header[7..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                presented = colon >= 0 ? pair[..colon] : pair;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return !string.IsNullOrEmpty(presented) && (requiredKey is null || string.Equals(presented, requiredKey, StringComparison.Ordinal));
    }
}
