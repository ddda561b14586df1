using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Errors;
using OneLoginMfa.Http;

namespace OneLoginMfa.Commands;

/// <summary>
/// Base of every OneLoginMfa cmdlet: Ctrl+C becomes a cancelled token, async Core calls are awaited on the
/// pipeline thread while their verbose/debug/warning/progress messages are written from it (never from a
/// worker thread), and API exceptions become ErrorRecords through the one factory.
/// </summary>
public abstract class OneLoginCmdlet : PSCmdlet, IDisposable
{
    private const int RateLimitActivityId = 0x4F4C; // stable id so every wait updates one progress bar

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<Action> _messages = new();
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly Observer _observer;
    private int _rateLimitWarnings;
    private bool _disposed;

    /// <summary>Creates the base.</summary>
    protected OneLoginCmdlet() => _observer = new Observer(this);

    /// <summary>Cancelled when the pipeline is stopped (Ctrl+C) or a terminating error ends it.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    internal IRequestObserver RequestObserver => _observer;

    /// <inheritdoc/>
    protected override void StopProcessing() => Cancel();

    /// <summary>Cancels every request this cmdlet has in flight.</summary>
    protected void Cancel()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Waits for <paramref name="task"/> on the pipeline thread, writing queued messages meanwhile.</summary>
    protected T Await<T>(Task<T> task)
    {
        Wait(task);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits for <paramref name="task"/> on the pipeline thread, writing queued messages meanwhile.</summary>
    protected void Await(Task task)
    {
        Wait(task);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Waits until the task completes (or the pipeline stops), pumping messages. Does not observe the result.</summary>
    protected void Wait(Task task)
    {
        if (!task.IsCompleted)
        {
            task.ContinueWith(static (_, state) => ((SemaphoreSlim)state!).Release(), _signal, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        while (!task.IsCompleted)
        {
            try
            {
                _signal.Wait(StopToken);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            PumpMessages();
        }

        PumpMessages();
        if (task.IsCanceled && StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Writes every queued verbose/debug/warning/progress message. Pipeline thread only.</summary>
    protected void PumpMessages()
    {
        while (_messages.TryDequeue(out Action? write))
        {
            write();
        }
    }

    /// <summary>
    /// Reports an API failure for one input: session-fatal kinds terminate (and cancel the rest),
    /// everything else is a non-terminating error and the pipeline goes on.
    /// </summary>
    internal void WriteApiError(OneLoginApiException exception, object? target)
    {
        ErrorRecord record = ErrorRecordFactory.FromApi(exception, target);
        if (exception.IsSessionFatal)
        {
            Cancel();
            ThrowTerminatingError(record);
        }

        WriteError(record);
    }

    /// <summary>Runs one call for one input; on an API failure writes the error and returns false.</summary>
    internal bool TryAwait<T>(Task<T> task, object? target, out T result) => TryAwait(task, _ => target, out result);

    /// <summary>
    /// Runs one call for one input; on an API failure writes the error, with the target chosen from the
    /// failure (e.g. the user id for UserNotFound, the device id otherwise), and returns false.
    /// </summary>
    internal bool TryAwait<T>(Task<T> task, Func<OneLoginApiException, object?> target, out T result)
    {
        try
        {
            result = Await(task);
            return true;
        }
        catch (OneLoginApiException ex)
        {
            WriteApiError(ex, target(ex));
            result = default!;
            return false;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>The input a device call failed for: the user for UserNotFound, otherwise the device.</summary>
    internal static Func<OneLoginApiException, object?> DeviceTarget(long userId, long deviceId) =>
        ex => ex.Kind == OneLoginErrorKind.UserNotFound ? userId : deviceId;

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Cancels anything still running and releases the token source.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            Cancel();
            _stopping.Dispose();
            _signal.Dispose();
        }
    }

    private void Enqueue(Action write)
    {
        _messages.Enqueue(write);
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Queues Core's reports for the pipeline thread.</summary>
    private sealed class Observer : IRequestObserver
    {
        private readonly OneLoginCmdlet _cmdlet;

        public Observer(OneLoginCmdlet cmdlet) => _cmdlet = cmdlet;

        public void Verbose(string message) => _cmdlet.Enqueue(() => _cmdlet.WriteVerbose(message));

        public void Debug(string message) => _cmdlet.Enqueue(() => _cmdlet.WriteDebug(message));

        public void Warning(string message) => _cmdlet.Enqueue(() => _cmdlet.WriteWarning(message));

        public void RateLimitWait(TimeSpan remaining, DateTimeOffset resetAt, bool first)
        {
            _cmdlet.Enqueue(() =>
            {
                if (first && Interlocked.Exchange(ref _cmdlet._rateLimitWarnings, 1) == 0)
                {
                    _cmdlet.WriteWarning(string.Format(
                        CultureInfo.CurrentCulture,
                        "The OneLogin API rate limit for this account is used up. Waiting {0:0} s for it to reset at {1:T}; the command goes on by itself.",
                        Math.Ceiling(remaining.TotalSeconds),
                        resetAt.ToLocalTime()));
                }

                var progress = new ProgressRecord(RateLimitActivityId, "Waiting for the OneLogin rate limit to reset", string.Format(CultureInfo.CurrentCulture, "Resets at {0:T}", resetAt.ToLocalTime()))
                {
                    SecondsRemaining = (int)Math.Ceiling(remaining.TotalSeconds),
                };
                _cmdlet.WriteProgress(progress);
            });
        }

        public void RateLimitWaitEnded() => _cmdlet.Enqueue(() =>
            _cmdlet.WriteProgress(new ProgressRecord(RateLimitActivityId, "Waiting for the OneLogin rate limit to reset", "Done") { RecordType = ProgressRecordType.Completed }));
    }
}
