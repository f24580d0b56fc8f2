namespace Serverless.Images.Tests;

/// <summary>One build and load of the images for every test; the tests run one after another (2 cores, real containers).</summary>
[CollectionDefinition(Name)]
public sealed class ImagesCollection : ICollectionFixture<BuiltImages>
{
    public const string Name = "images";
}
