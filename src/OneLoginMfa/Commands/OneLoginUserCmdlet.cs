using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Commands;

/// <summary>
/// Base of the per-user commands: -UserId from the pipeline (by value or by property name: Id, UserId,
/// user_id) and -ThrottleLimit. Up to ThrottleLimit requests run at once while input streams in; results
/// and errors are written from the pipeline thread in input order. For every input exactly one outcome is
/// written: its objects, or one ErrorRecord.
/// </summary>
public abstract class OneLoginUserCmdlet : OneLoginApiCmdlet
{
    private readonly Queue<Pending> _pending = new();
    private SemaphoreSlim? _slots;
    private Stopwatch? _progressClock;
    private long _done;

    /// <summary>The OneLogin user id(s). Accepts numbers, numeric strings (CSV) and objects with an Id/UserId/user_id property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long[] UserId { get; set; } = Array.Empty<long>();

    /// <summary>How many requests may be in flight at once (1-32).</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>The progress activity, e.g. "Getting available MFA factors".</summary>
    protected abstract string ProgressActivity { get; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _slots = new SemaphoreSlim(ThrottleLimit, ThrottleLimit);
        _progressClock = Stopwatch.StartNew();
    }

    /// <summary>
    /// Queues the work for one input. <paramref name="work"/> runs on a worker thread and must not call
    /// any Write* method; whatever it returns is written later, in order, by the pipeline thread.
    /// </summary>
    internal void Enqueue(object target, Func<CancellationToken, Task<IEnumerable<object>>> work)
    {
        SemaphoreSlim slots = _slots!;
        CancellationToken stop = StopToken;
        Task<IEnumerable<object>> task = Task.Run(
            async () =>
            {
                await slots.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    return await work(stop).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            },
            stop);
        _pending.Enqueue(new Pending(target, task));

        Drain(waitAll: false);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        Drain(waitAll: true);
        WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>
    /// Writes the finished head of the queue, in input order. Waits for the head when asked to, or when the
    /// backlog exceeds its bound (enough queued work to keep every slot busy behind a slow head, never the
    /// whole input).
    /// </summary>
    private void Drain(bool waitAll)
    {
        while (_pending.Count > 0)
        {
            Pending head = _pending.Peek();
            if (!head.Task.IsCompleted)
            {
                // The bound has to cover a head that sleeps through a retry's backoff (0.25-10 s) while the
                // other slots go on at full speed: at ThrottleLimit * 4 the fault matrix (10% 503s) kept
                // only about two requests in flight and took twice as long. 64 per slot holds small
                // finished results only (a few hundred KB at most), never the whole input.
                if (!waitAll && _pending.Count <= ThrottleLimit * 64)
                {
                    break;
                }

                Wait(head.Task);
            }

            _pending.Dequeue();
            Emit(head);
        }

        PumpMessages();
    }

    private void Emit(Pending item)
    {
        _done++;
        try
        {
            foreach (object output in item.Task.GetAwaiter().GetResult())
            {
                WriteObject(output);
            }
        }
        catch (OneLoginApiException ex)
        {
            WriteApiError(ex, item.Target);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        if (_progressClock!.ElapsedMilliseconds >= 500)
        {
            _progressClock.Restart();
            WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, string.Format(CultureInfo.CurrentCulture, "{0} users done", _done)));
        }
    }

    private int ProgressId => 0x4F4D;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _slots?.Dispose();
        }
    }

    private sealed class Pending
    {
        public Pending(object target, Task<IEnumerable<object>> task)
        {
            Target = target;
            Task = task;
        }

        public object Target { get; }

        public Task<IEnumerable<object>> Task { get; }
    }
}
