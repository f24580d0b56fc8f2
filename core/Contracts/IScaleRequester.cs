namespace Serverless.Core.Contracts;

/// <summary>
/// The activator's way to ask for instances now: called when a request arrives for a function with
/// no ready instance, so scale-from-zero starts at once instead of at the next autoscaler tick.
/// </summary>
public interface IScaleRequester
{
    void RequestScaleFromZero(FunctionKey key);
}
