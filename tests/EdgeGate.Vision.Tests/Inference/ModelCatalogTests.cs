using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Tests.Inference;

public sealed class ModelCatalogTests
{
    [Fact]
    public void The_manifest_is_read_into_typed_records()
    {
        var manifest = ReferenceData.Catalog.Manifest;

        Assert.Equal(1, manifest.SchemaVersion);
        Assert.Equal(ModelNames.All.Order(), manifest.Models.Keys.Order());
        var embedding = manifest.Get(ModelNames.Embedding);
        Assert.Equal("fr_feature.onnx", embedding.File);
        Assert.Equal("faceplugin-face-recognition-js@0.0.1", embedding.Package);
        Assert.Equal("package/model/fr_feature.onnx", embedding.Path);
        Assert.Equal("faceplugin-fr_feature-0.0.1-umeyama5", embedding.ModelId);
        Assert.Equal(ChannelOrder.Bgr, embedding.ChannelOrder);
        Assert.Equal(127f, embedding.Mean);
        Assert.Equal(128f, embedding.Scale);
        Assert.Equal([1L, 3, 112, 112], embedding.Inputs.Single().Shape);
        Assert.Equal("output", embedding.Outputs.Single().Name);
        Assert.Equal(ChannelOrder.Gray, manifest.Get(ModelNames.Landmarks).ChannelOrder);
        Assert.Equal(ChannelOrder.Rgb, manifest.Get(ModelNames.Detect).ChannelOrder);
        Assert.Equal(["scores", "boxes"], manifest.Get(ModelNames.Detect).Outputs.Select(output => output.Name));
        Assert.Null(manifest.Get(ModelNames.Detect).ModelId);
        Assert.Throws<KeyNotFoundException>(() => manifest.Get("pose"));
    }

    [Fact]
    public void The_models_beside_the_tests_are_found_and_verify_ok()
    {
        var catalog = ModelCatalog.Locate();
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models"), catalog.Directory);

        var results = catalog.Verify();

        Assert.Equal(4, results.Count);
        Assert.All(results, result =>
        {
            Assert.Equal(ModelFileStatus.Ok, result.Status);
            Assert.Equal(result.ExpectedSha256, result.ActualSha256);
        });
        Assert.Equal(Path.Combine(catalog.Directory, "fr_detect.onnx"), catalog.GetModelPath(ModelNames.Detect));
    }

    [Fact]
    public void Verify_reports_missing_files_and_checksum_mismatches_as_values()
    {
        var directory = Directory.CreateTempSubdirectory("edgegate-models-");
        try
        {
            var source = ReferenceData.Catalog;
            File.Copy(Path.Combine(source.Directory, ModelManifest.FileName), Path.Combine(directory.FullName, ModelManifest.FileName));
            File.Copy(source.GetModelPath(ModelNames.Landmarks), Path.Combine(directory.FullName, "fr_landmark.onnx"));
            var damaged = File.ReadAllBytes(source.GetModelPath(ModelNames.Detect));
            damaged[damaged.Length / 2] ^= 0x01;
            File.WriteAllBytes(Path.Combine(directory.FullName, "fr_detect.onnx"), damaged);

            var catalog = ModelCatalog.Locate(directory.FullName);
            var results = catalog.Verify().ToDictionary(result => result.Key);

            Assert.Equal(ModelFileStatus.Ok, results[ModelNames.Landmarks].Status);
            Assert.Equal(ModelFileStatus.ChecksumMismatch, results[ModelNames.Detect].Status);
            Assert.NotEqual(results[ModelNames.Detect].ExpectedSha256, results[ModelNames.Detect].ActualSha256);
            Assert.Equal(ModelFileStatus.Missing, results[ModelNames.Embedding].Status);
            Assert.Null(results[ModelNames.Embedding].ActualSha256);
            Assert.Equal(ModelFileStatus.Missing, results[ModelNames.Liveness].Status);
            Assert.Equal(ModelFileStatus.Missing, catalog.Verify(ModelNames.Liveness).Status);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_explicit_directory_without_a_manifest_is_an_error_naming_it()
    {
        var directory = Directory.CreateTempSubdirectory("edgegate-empty-");
        try
        {
            var error = Assert.Throws<DirectoryNotFoundException>(() => ModelCatalog.Locate(directory.FullName));
            Assert.Contains(directory.FullName, error.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("{}", "schemaVersion")]
    [InlineData("""{"schemaVersion":1,"models":{}}""", "no models")]
    [InlineData("""{"schemaVersion":1,"models":{"detect":{"file":"a.onnx","sha256":"00","inputs":[{"name":"x","shape":[1]}],"outputs":[{"name":"y","shape":[1]}]}}}""", "64 hex digits")]
    [InlineData("""{"schemaVersion":1,"models":{"detect":{"file":"../a.onnx","sha256":"0000000000000000000000000000000000000000000000000000000000000000","inputs":[{"name":"x","shape":[1]}],"outputs":[{"name":"y","shape":[1]}]}}}""", "outside")]
    [InlineData("""{"schemaVersion":1,"models":{"detect":{"file":"a.onnx","sha256":"0000000000000000000000000000000000000000000000000000000000000000","inputs":[],"outputs":[{"name":"y","shape":[1]}]}}}""", "no inputs")]
    [InlineData("""{"schemaVersion":1,"models":{"detect":{"file":"a.onnx","channelOrder":"CMYK"}}}""", "not a valid model manifest")]
    [InlineData("not json", "not a valid model manifest")]
    public void Invalid_manifests_are_rejected_with_the_reason(string json, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelManifest.Parse(json));
        Assert.Contains(reason, error.Message);
    }
}
