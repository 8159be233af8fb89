using PersonalizationEngine.Learning.Data;

namespace PersonalizationEngine.Learning.Tests.Data;

public sealed class CsvAndTelcoTests
{
    [Fact]
    public void Csv_parses_quoted_fields_with_commas_and_doubled_quotes()
    {
        var table = CsvReader.ReadText("x,y,z,w\na,\"b,c\",\"say \"\"hi\"\"\",\n");

        Assert.Equal(["x", "y", "z", "w"], table.Columns);
        Assert.Equal(["a", "b,c", "say \"hi\"", ""], Assert.Single(table.Rows));
    }

    [Fact]
    public void Csv_row_with_the_wrong_number_of_fields_fails_naming_the_row()
    {
        var error = Assert.Throws<InvalidDataException>(() => CsvReader.ReadText("a,b\n1,2\n3\n"));

        Assert.Contains("Row 3", error.Message);
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
    public void Open_bandit_log_with_an_unnamed_index_column_reads()
    {
        var rows = OpenBanditLog.Read(DatasetPaths.Find("open-bandit/men/random.csv"));

        Assert.Equal(10_000, rows.Count);
        Assert.Equal(46, rows.Sum(r => r.Click));
        Assert.All(rows, r => Assert.InRange(r.Position, 1, 3));
    }
}
