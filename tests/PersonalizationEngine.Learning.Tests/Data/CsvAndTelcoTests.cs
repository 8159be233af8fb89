using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Tests.Data;

public sealed class CsvAndTelcoTests
{
    [Fact]
    public void Csv_parses_quoted_fields_with_commas_and_doubled_quotes()
    {
        Assert.Equal(["a", "b,c", "say \"hi\"", ""], CsvReader.ParseLine("a,\"b,c\",\"say \"\"hi\"\"\","));
    }

    [Fact]
    public void Telco_loads_all_rows_and_handles_blank_total_charges()
    {
        var (data, labels, inputs) = TelcoChurn.Load(DatasetPaths.Find("telco-customer-churn.csv"), engineerFeatures: true);

        Assert.Equal(7043, labels.Length);
        Assert.Equal(1869, labels.Sum());
        Assert.DoesNotContain("customerID", inputs);
        Assert.DoesNotContain("Churn", inputs);
        var total = data.IndexOf("TotalCharges");
        var tenure = data.IndexOf("tenure");
        var blanks = data.Rows.Where(r => r[total].Trim().Length == 0).ToArray();
        Assert.Equal(11, blanks.Length);
        Assert.All(blanks, r => Assert.Equal("0", r[tenure]));

        var encoder = TabularEncoder.Fit(data, inputs);
        var x = encoder.Transform(data);
        Assert.All(x, row => Assert.All(row, v => Assert.True(double.IsFinite(v))));
        Assert.Contains("Contract=Month-to-month", encoder.FeatureNames);
    }

    [Fact]
    public void Telco_three_fold_cross_validation_reaches_auc_above_080()
    {
        var (data, labels, inputs) = TelcoChurn.Load(DatasetPaths.Find("telco-customer-churn.csv"), engineerFeatures: true);

        var result = CrossValidation.Run(data, labels, inputs, (x, y) => LogisticRegression.Fit(x, y), 3, seed: 42);

        var (auc, _) = result.Summary(f => f.RocAuc);
        Assert.InRange(auc, 0.80, 0.90); // far above 0.9 would signal leakage
    }
}
