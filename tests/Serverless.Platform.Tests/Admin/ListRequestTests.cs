using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Lists;
using Serverless.Platform.Admin;

namespace Serverless.Platform.Tests.Admin;

public sealed class ListRequestTests
{
    private static readonly JsonObject[] Items =
    [
        Item("default", "a", "app=web,tier=gold"),
        Item("default", "b", "app=web"),
        Item("default", "c", "app=db"),
        Item("other", "a", ""),
    ];

    public static TheoryData<string, string, string[]> Selections => new()
    {
        { "no selector: everything in key order", "", ["default/a", "default/b", "default/c", "other/a"] },
        { "equality", "labelSelector=app%3Dweb", ["default/a", "default/b"] },
        { "double equals", "labelSelector=app%3D%3Ddb", ["default/c"] },
        { "inequality includes objects without the label", "labelSelector=app!%3Dweb", ["default/c", "other/a"] },
        { "in", "labelSelector=app+in+(db,web)", ["default/a", "default/b", "default/c"] },
        { "notin", "labelSelector=app+notin+(web)", ["default/c", "other/a"] },
        { "exists", "labelSelector=tier", ["default/a"] },
        { "does not exist", "labelSelector=!app", ["other/a"] },
        { "requirements are ANDed", "labelSelector=app%3Dweb,!tier", ["default/b"] },
        { "field selector on the name", "fieldSelector=metadata.name%3Da", ["default/a", "other/a"] },
        { "field selector on the namespace, negated", "fieldSelector=metadata.namespace!%3Ddefault", ["other/a"] },
        { "a label matching nothing selects nothing", "labelSelector=app%3Dnone", [] },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void Page_Selector_SelectsAsKubernetes(string label, string query, string[] expected)
    {
        var page = ListRequest.Parse(Query(query)).Page(Items);

        Assert.True(page.Items.Select(ListRequest.Key).SequenceEqual(expected), $"{label}: {string.Join(", ", page.Items.Select(ListRequest.Key))}");
        Assert.Null(page.NextAfter);
    }

    public static TheoryData<string, string, HttpStatusCode> Refusals => new()
    {
        { "an unfinished set", "labelSelector=app+in+(", HttpStatusCode.BadRequest },
        { "an unknown operator", "labelSelector=app+%3E+1", HttpStatusCode.BadRequest },
        { "an invalid label value", "labelSelector=app%3D-x-", HttpStatusCode.BadRequest },
        { "an unsupported field", "fieldSelector=spec.runtime%3Ddotnet", HttpStatusCode.BadRequest },
        { "a limit that is not a number", "limit=ten", HttpStatusCode.BadRequest },
        { "a resourceVersion that is not a version", "resourceVersion=abc", HttpStatusCode.BadRequest },
        { "resourceVersionMatch without resourceVersion", "resourceVersionMatch=NotOlderThan", HttpStatusCode.UnprocessableEntity },
        { "an unknown resourceVersionMatch", "resourceVersion=1&resourceVersionMatch=Newest", HttpStatusCode.UnprocessableEntity },
        { "Exact at version 0", "resourceVersion=0&resourceVersionMatch=Exact", HttpStatusCode.UnprocessableEntity },
        { "continue with a resourceVersion", "resourceVersion=1&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiJkZWZhdWx0L2FcdTAwMDAifQ", HttpStatusCode.UnprocessableEntity },
        { "a continue token this server did not make", "continue=bm9wZQ", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Parse_InvalidOption_RefusedWithTheRealServersCode(string label, string query, HttpStatusCode expected)
    {
        var refused = Assert.Throws<ApiException>(() => ListRequest.Parse(Query(query)));

        Assert.True(refused.Code == expected, $"{label}: {refused.Code} {refused.Message}");
    }

    public static TheoryData<string, string, HttpStatusCode?> Versions => new()
    {
        { "no version: the current list", "", null },
        { "0: the current list", "resourceVersion=0", null },
        { "not older than an older one", "resourceVersion=3&resourceVersionMatch=NotOlderThan", null },
        { "a plain older one (not older than)", "resourceVersion=3", null },
        { "exactly the current one", "resourceVersion=5&resourceVersionMatch=Exact", null },
        { "exactly an older one: compacted", "resourceVersion=3&resourceVersionMatch=Exact", HttpStatusCode.Gone },
        { "a version not reached yet", "resourceVersion=9", HttpStatusCode.GatewayTimeout },
        { "a continue token of the current list", "continue=" + new ContinueToken(5, "default/a").Encode(), null },
        { "a continue token of an older list goes on in the current state", "continue=" + new ContinueToken(4, "default/a").Encode(), null },
        { "a continue token of a version never reached", "continue=" + new ContinueToken(6, "default/a").Encode(), HttpStatusCode.Gone },
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequireServable_StoreAtVersion5_ServesOrRefusesAsTheRealServer(string label, string query, HttpStatusCode? expected)
    {
        var request = ListRequest.Parse(Query(query));

        var refused = Record.Exception(() => request.RequireServable(5)) as ApiException;

        Assert.True(refused?.Code == expected, $"{label}: {refused?.Code} {refused?.Message}");
    }

    [Fact]
    public void Page_LimitAndContinue_EveryItemOnceInKeyOrder()
    {
        var first = ListRequest.Parse(Query("limit=3")).Page(Items);
        var second = ListRequest.Parse(Query("limit=3&continue=" + new ContinueToken(5, first.NextAfter!).Encode())).Page(Items);

        Assert.Equal(["default/a", "default/b", "default/c"], first.Items.Select(ListRequest.Key));
        Assert.Equal(("default/c", 1L), (first.NextAfter, first.Remaining));
        Assert.Equal(["other/a"], second.Items.Select(ListRequest.Key));
        Assert.Null(second.NextAfter);
    }

    private static QueryCollection Query(string query) =>
        new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).ToDictionary(p => p.Key, p => (StringValues)p.Value));

    private static JsonObject Item(string ns, string name, string labels)
    {
        var map = new JsonObject();
        foreach (var pair in labels.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            map[pair.Split('=')[0]] = pair.Split('=')[1];
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name, ["labels"] = map } };
    }
}
