using System.Net;
using System.Text.Json;
using Serverless.Core.Api;
using Serverless.Platform.Tests.Limits;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Faults;

/// <summary>
/// Issue #14 item 3 on the real platform: a function closed its listening socket and stayed Ready for more than 60 s,
/// while 24 of 30 requests got 502.
/// </summary>
public sealed class DeadListenerTests
{
    [Fact]
    public async Task Instance_ClosesItsListener_TrafficGoesToTheOtherAndItLeavesTheReadySet()
    {
        await using var platform = await LimitsPlatform.StartAsync();
        using (var created = await platform.CreateAsync(LimitsPlatform.Python("deaf", LimitsPlatform.TestFunction("sandbox-probe"), new ScaleSpec { MinScale = 2 })))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await LimitsPlatform.BodyAsync(created));
        }

        await platform.WaitForAsync("deaf", f => f.Status?.ReadyReplicas == 2);
        using (var warm = await Ingress.GetOnceRoutedAsync(platform.Ingress, "/default/deaf/instance"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using (var closing = await platform.Ingress.GetAsync("/default/deaf/close-listener"))
        {
            var body = await LimitsPlatform.BodyAsync(closing);
            LimitsPlatform.AssertStatus(HttpStatusCode.OK, closing, body);
            using var answer = JsonDocument.Parse(body);
            Assert.True(answer.RootElement.GetProperty("closed").GetArrayLength() > 0, body);
        }

        // Every request is answered, by the instance that still listens (or a replacement), none with a 502.
        var statuses = new List<HttpStatusCode>();
        var answeredBy = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 30; i++)
        {
            using var response = await platform.Ingress.GetAsync("/default/deaf/instance");
            statuses.Add(response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                using var answer = JsonDocument.Parse(await LimitsPlatform.BodyAsync(response));
                answeredBy.Add(answer.RootElement.GetProperty("instance").GetString()!);
            }
        }

        Assert.True(statuses.All(s => s == HttpStatusCode.OK), $"{string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Count()}× {(int)g.Key}"))}\n{platform.Platform.Output}");

        // The instance without a listener leaves the ready set within a few probe periods, not after a minute. (Until
        // then it may still answer on connections the activator opened before, which is why those requests succeed.)
        await platform.WaitForAsync("deaf", f => f.Status?.ReadyReplicas < 2, TimeSpan.FromSeconds(15));
        Assert.NotEmpty(answeredBy);
    }
}
