using Microsoft.ML;
using Microsoft.ML.Data;

namespace PersonalizationEngine.Learning.Training;

/// <summary>Dense rows (the encoder's or the grains' named features, in slot order) as an ML.NET data view.</summary>
internal static class ChurnDataView
{
    public const string Features = "Features";
    public const string Label = "Label";

    public static IDataView Create(MLContext ml, IReadOnlyList<double[]> x, IReadOnlyList<int>? y, IReadOnlyList<string> names)
    {
        var d = names.Count;
        var rows = new List<Row>(x.Count);
        for (var i = 0; i < x.Count; i++)
        {
            if (x[i].Length != d)
            {
                throw new ArgumentException($"Row {i} has {x[i].Length} values, expected {d} (one per feature name).", nameof(x));
            }

            var features = new float[d];
            for (var j = 0; j < d; j++)
            {
                features[j] = (float)x[i][j];
            }

            rows.Add(new Row { Features = features, Label = y is not null && y[i] == 1 });
        }

        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        // Slot names travel inside the saved ML.NET zip, so the audit copy says which slot is which feature.
        var slotNames = new VBuffer<ReadOnlyMemory<char>>(d, [.. names.Select(n => n.AsMemory())]);
        schema[nameof(Row.Features)].AddAnnotation("SlotNames", slotNames, new VectorDataViewType(TextDataViewType.Instance, d));
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static Func<double[], float> CreatePredictor(MLContext ml, ITransformer model, IReadOnlyList<string> names)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, names.Count);
        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(model, inputSchemaDefinition: schema);
        var row = new Row { Features = new float[names.Count] };
        return x =>
        {
            for (var j = 0; j < x.Length; j++)
            {
                row.Features[j] = (float)x[j];
            }

            return engine.Predict(row).Probability;
        };
    }

    private sealed class Scored
    {
        public float Probability { get; set; }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
