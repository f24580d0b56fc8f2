using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class ImageValidationTests
{
    private static readonly string Digest = "sha256:" + new string('a', 64);

    public static TheoryData<string, string, bool> Images => new()
    {
        // label, image, valid
        { "bare name", "hello", true },
        { "name and tag", "hello:1.0", true },
        { "library path", "library/hello:latest", true },
        { "registry with port", "registry.example.com:5000/team/hello:v1.2.3", true },
        { "localhost registry", "localhost:5000/hello", true },
        { "digest", "ghcr.io/team/hello@" + Digest, true },
        { "tag and digest", "ghcr.io/team/hello:1.0@" + Digest, true },
        { "separators in path", "team/my_app__x.y-z--w", true },
        { "upper-case repository", "registry.example.com/Team/Hello", false },
        { "short digest", "hello@sha256:abc", false },
        { "upper-case digest", "hello@sha256:" + new string('A', 64), false },
        { "other digest algorithm", "hello@md5:" + new string('a', 32), false },
        { "space", "hello world", false },
        { "newline", "hello\n", false },
        { "shell injection", "a;rm -rf /", false },
        { "command substitution", "$(reboot)", false },
        { "path traversal", "../etc", false },
        { "scheme", "https://registry.example.com/hello", false },
        { "trailing slash", "hello/", false },
        { "empty tag", "hello:", false },
        { "tag too long", "hello:" + new string('t', 129), false },
        { "too long", new string('a', 513), false },
        { "empty", "", false },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Validate_Image_AcceptsOciReferencesOnly(string label, string image, bool valid)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithImage(image)));

        Assert.False(string.IsNullOrEmpty(label));
        if (valid)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            var error = ValidationAssert.HasError(errors, "spec.image", "");
            Assert.DoesNotContain('\n', error.Message);
        }
    }
}
