using Serverless.Core.Contracts;

internal sealed class NoScaler : IScaleRequester
{
    public void RequestScaleFromZero(FunctionKey key)
    {
    }
}
