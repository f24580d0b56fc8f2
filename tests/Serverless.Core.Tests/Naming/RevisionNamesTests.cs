using Serverless.Core.Naming;

namespace Serverless.Core.Tests.Naming;

/// <summary>Revision names as Knative's kmeta.ChildName makes them; the hashed ones were computed apart (Python's hashlib.md5).</summary>
public sealed class RevisionNamesTests
{
    private const string Long63 = "checkout-service-canary-with-a-long-name-for-the-eu-west-region";

    [Theory]
    [InlineData("short", "hello", 3, "hello-00003")]
    [InlineData("57 characters: fits at 63", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-00001")]
    [InlineData("58 characters: cut and hashed", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, "aaaaaaaaaaaaaaaaaaaaaaaaadc2f2f2462a0d72358b2f99389458606-00001")]
    [InlineData("63 characters", Long63, 12, "checkout-service-canary-w5e939b9ba1cc5dfc06297e58f9458bf8-00012")]
    [InlineData("same first 25 characters, another hash", "checkout-service-canary-with-a-long-name-for-the-us-east-regio", 1, "checkout-service-canary-w8a2270146a559e9737e1c72247eab441-00001")]
    [InlineData("a six-digit generation pushes 57 over", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 123456, "aaaaaaaaaaaaaaaaaaaaaaaa652b906d60af96844ebd21b674f35e93-123456")]
    public void Name_FunctionAndGeneration_IsALabelOfAtMost63(string label, string function, long generation, string expected)
    {
        var name = RevisionNames.Name(function, generation);

        Assert.True(expected == name, $"{label}: {name}");
        Assert.InRange(name.Length, 1, RevisionNames.MaxLength);
        Assert.True(RevisionNames.IsRevisionOf(function, name), label);
    }

    [Theory]
    [InlineData("hello", "hello-00003", true)]
    [InlineData("hello", "hello-3", false)]
    [InlineData("hello", "hello-world-00003", false)]
    [InlineData("hello-world", "hello-00003", false)]
    [InlineData(Long63, "checkout-service-canary-w5e939b9ba1cc5dfc06297e58f9458bf8-00012", true)]
    [InlineData("checkout-service-canary-with-a-long-name-for-the-us-east-regio", "checkout-service-canary-w5e939b9ba1cc5dfc06297e58f9458bf8-00012", false)]
    public void IsRevisionOf_Name_OnlyTheFunctionsOwn(string function, string name, bool expected)
    {
        Assert.Equal(expected, RevisionNames.IsRevisionOf(function, name));
    }
}
