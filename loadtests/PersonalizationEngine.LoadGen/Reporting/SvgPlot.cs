using System.Globalization;
using System.Xml;
using PersonalizationEngine.LoadGen.Metrics;

namespace PersonalizationEngine.LoadGen.Reporting;

/// <summary>Two stacked panels over time: completed requests/s and p99 latency (ms). Written with XmlWriter so it is always well-formed.</summary>
public static class SvgPlot
{
    private const int Width = 900;
    private const int PanelHeight = 220;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 30;

    public static void Write(Stream output, string title, IReadOnlyList<SecondSample> seconds)
    {
        using var w = XmlWriter.Create(output, new XmlWriterSettings { Indent = true });
        var height = Top + (2 * (PanelHeight + 40)) + 10;
        w.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        w.WriteAttributeString("width", Num(Width));
        w.WriteAttributeString("height", Num(height));
        w.WriteAttributeString("viewBox", $"0 0 {Num(Width)} {Num(height)}");
        w.WriteAttributeString("font-family", "sans-serif");
        w.WriteAttributeString("font-size", "12");
        Text(w, Left, 18, title, "14");
        Panel(w, Top, "throughput (req/s)", seconds.Select(s => s.RequestsPerSecond).ToArray(), "#1f77b4");
        Panel(w, Top + PanelHeight + 40, "p99 latency (ms)", seconds.Select(s => s.P99Ms).ToArray(), "#d62728");
        w.WriteEndElement();
    }

    private static void Panel(XmlWriter w, int top, string label, double[] values, string colour)
    {
        var plotWidth = Width - Left - Right;
        var max = values.Length == 0 ? 1 : Math.Max(1e-9, values.Max()) * 1.1;
        w.WriteStartElement("rect");
        w.WriteAttributeString("x", Num(Left));
        w.WriteAttributeString("y", Num(top));
        w.WriteAttributeString("width", Num(plotWidth));
        w.WriteAttributeString("height", Num(PanelHeight));
        w.WriteAttributeString("fill", "none");
        w.WriteAttributeString("stroke", "#888");
        w.WriteEndElement();
        Text(w, Left + 5, top + 14, label, "12");
        for (var i = 0; i <= 4; i++)
        {
            var v = max * i / 4;
            Text(w, 5, top + PanelHeight - (PanelHeight * i / 4) + 4, v.ToString(v >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture), "10");
        }

        Text(w, Left, top + PanelHeight + 15, "0 s", "10");
        Text(w, Width - Right - 30, top + PanelHeight + 15, $"{values.Length} s", "10");
        if (values.Length == 0)
        {
            return;
        }

        var points = string.Join(' ', values.Select((v, i) =>
        {
            var x = Left + (values.Length == 1 ? 0 : plotWidth * i / (double)(values.Length - 1));
            var y = top + PanelHeight - (PanelHeight * v / max);
            return $"{Num(x)},{Num(y)}";
        }));
        w.WriteStartElement("polyline");
        w.WriteAttributeString("points", points);
        w.WriteAttributeString("fill", "none");
        w.WriteAttributeString("stroke", colour);
        w.WriteAttributeString("stroke-width", "1.5");
        w.WriteEndElement();
    }

    private static void Text(XmlWriter w, double x, double y, string text, string size)
    {
        w.WriteStartElement("text");
        w.WriteAttributeString("x", Num(x));
        w.WriteAttributeString("y", Num(y));
        w.WriteAttributeString("font-size", size);
        w.WriteString(text);
        w.WriteEndElement();
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
