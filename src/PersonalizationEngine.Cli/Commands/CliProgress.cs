using PersonalizationEngine.Learning.Evaluation;
using Spectre.Console;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>Spectre.Console progress for long model work: a bar of model fits with the current step.</summary>
internal static class CliProgress
{
    public static T Run<T>(IAnsiConsole console, string title, Func<Action<CvProgress>, T> work) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                var result = work(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = Markup.Escape($"{title}: {p.Step}");
                });
                task.Description = Markup.Escape(title);
                task.Value = task.MaxValue;
                return result;
            });

    public static string MeanSd((double Mean, double Sd) s) => $"{s.Mean:F4} ± {s.Sd:F4}";
}
