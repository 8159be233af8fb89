using PersonalizationEngine.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEngine();
var app = builder.Build();
app.UseEngine();
app.MapEngineApis();
app.Run();

/// <summary>Entry point, public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
