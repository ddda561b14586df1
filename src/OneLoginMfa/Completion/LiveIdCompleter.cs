using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Http;

namespace OneLoginMfa.Completion;

/// <summary>
/// Base of the completers that ask OneLogin for ids of one user's factors or devices. They run only when
/// -UserId is already on the command line, use -Connection when it is bound to a connection object (else the
/// runspace's default connection), give up after <see cref="Timeout"/>, and never throw or write anything:
/// a completer that fails offers nothing.
/// </summary>
internal abstract class LiveIdCompleter : IArgumentCompleter
{
    /// <summary>How long a completion may take before it offers nothing.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static readonly CompletionResult[] s_none = Array.Empty<CompletionResult>();

    /// <inheritdoc/>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Tab completion must never throw: any failure offers no completions.")]
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            if (fakeBoundParameters is null || !TryGetUserId(fakeBoundParameters, out long userId))
            {
                return s_none;
            }

            OneLoginConnection? connection = GetConnection(fakeBoundParameters);
            if (connection is null || connection.IsClosed)
            {
                return s_none;
            }

            // Not disposed on a timeout: the abandoned request may still hold the token for a moment.
            var cancellation = new CancellationTokenSource(Timeout);
            var api = new OneLoginApi(connection, NullRequestObserver.Instance);
            Task<IReadOnlyList<Candidate>> task = GetCandidatesAsync(api, userId, cancellation.Token);
            if (!task.Wait(Timeout) || task.Status != TaskStatus.RanToCompletion)
            {
                cancellation.Cancel();
                return s_none;
            }

            cancellation.Dispose();
            string word = Unquote(wordToComplete);
            var results = new List<CompletionResult>();
            foreach (Candidate candidate in task.Result)
            {
                string id = candidate.Id.ToString(CultureInfo.InvariantCulture);
                if (word.Length == 0
                    || id.StartsWith(word, StringComparison.Ordinal)
                    || candidate.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                {
                    results.Add(new CompletionResult(id, candidate.Name, CompletionResultType.ParameterValue, candidate.ToolTip));
                }
            }

            return results;
        }
        catch (Exception)
        {
            return s_none;
        }
    }

    /// <summary>The ids to offer for one user, each with the name shown in the list and a tooltip.</summary>
    internal abstract Task<IReadOnlyList<Candidate>> GetCandidatesAsync(OneLoginApi api, long userId, CancellationToken cancellationToken);

    private static bool TryGetUserId(IDictionary bound, out long userId)
    {
        userId = 0;
        object? value = Unwrap(bound.Contains("UserId") ? bound["UserId"] : null);
        if (value is IList list)
        {
            if (list.Count != 1)
            {
                return false;
            }

            value = Unwrap(list[0]);
        }

        if (value is null)
        {
            return false;
        }

        try
        {
            userId = LanguagePrimitives.ConvertTo<long>(value);
        }
        catch (PSInvalidCastException)
        {
            return false;
        }

        return userId > 0;
    }

    private static OneLoginConnection? GetConnection(IDictionary bound) =>
        Unwrap(bound.Contains("Connection") ? bound["Connection"] : null) as OneLoginConnection ?? ConnectionStore.Get();

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    private static string Unquote(string? word)
    {
        string text = word ?? string.Empty;
        return text.Trim('\'', '"');
    }

    /// <summary>One id to offer.</summary>
    internal sealed class Candidate
    {
        public Candidate(long id, string name, string toolTip)
        {
            Id = id;
            Name = string.IsNullOrEmpty(name) ? id.ToString(CultureInfo.InvariantCulture) : name;
            ToolTip = string.IsNullOrEmpty(toolTip) ? Name : toolTip;
        }

        public long Id { get; }

        public string Name { get; }

        public string ToolTip { get; }
    }
}
