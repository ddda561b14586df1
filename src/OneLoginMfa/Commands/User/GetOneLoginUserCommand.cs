using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using OneLoginMfa.Errors;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Gets OneLogin users: all of them (streamed page by page), by id, or by filter.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OneLoginUser", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(OneLoginUser))]
public sealed class GetOneLoginUserCommand : OneLoginApiCmdlet
{
    private const string ListSet = "List";
    private const string ByIdSet = "ById";
    private const int ProgressId = 0x4F55;

    private static readonly HashSet<string> s_pagingKeys = new(StringComparer.OrdinalIgnoreCase) { "cursor", "page", "limit" };

    private ulong _skipped;
    private ulong _written;

    /// <summary>One or more user ids; several are fetched in one call (user_ids=).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long[] UserId { get; set; } = Array.Empty<long>();

    /// <summary>E-mail address; OneLogin's * wildcard is passed through.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Email { get; set; }

    /// <summary>User name; * wildcards allowed.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Username { get; set; }

    /// <summary>First name; * wildcards allowed.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? FirstName { get; set; }

    /// <summary>Last name; * wildcards allowed.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? LastName { get; set; }

    /// <summary>Any other documented query parameter, e.g. @{ updated_since = (Get-Date).AddDays(-1); directory_id = 12 }.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNull]
    public Hashtable? Filter { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIdSet)
        {
            GetById();
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (ParameterSetName == ListSet)
        {
            List<KeyValuePair<string, string>> filters = BuildFilters();
            Stream(filters, null, reportTotal: true, targets: null);
        }
    }

    private void GetById()
    {
        if (UserId.Length == 1)
        {
            long id = UserId[0];
            if (!Done && TryAwait(Api.GetUserAsync(id, StopToken), id, out OneLoginUser user))
            {
                Emit(user);
            }

            return;
        }

        // Several ids: one call per page of 50 with user_ids=, then the results in input order, and one
        // UserNotFound per id OneLogin did not return.
        foreach (long[] chunk in UserId.Distinct().Select((id, i) => (id, i)).GroupBy(x => x.i / OneLoginApi.UserPageSize, x => x.id).Select(g => g.ToArray()))
        {
            var found = new Dictionary<long, OneLoginUser>();
            var filter = new[] { new KeyValuePair<string, string>("user_ids", string.Join(",", chunk.Select(i => i.ToString(CultureInfo.InvariantCulture)))) };
            if (!Stream(filter, found, reportTotal: false, targets: chunk))
            {
                // The batch call failed: each id in it got that error (once), not a false UserNotFound.
                continue;
            }

            foreach (long id in UserId.Where(chunk.Contains))
            {
                if (found.TryGetValue(id, out OneLoginUser? user))
                {
                    Emit(user);
                }
                else
                {
                    WriteError(ErrorRecordFactory.FromApi(
                        new OneLoginApiException(OneLoginErrorKind.UserNotFound, FormattableString.Invariant($"User for id {id} was not found")) { Method = "GET", Path = "/api/2/users" },
                        id));
                }
            }
        }
    }

    /// <summary>
    /// Pages through /api/2/users with After-Cursor, writing each page before asking for the next. A failed
    /// page is reported once per id in <paramref name="targets"/> (or once, for a listing) and ends the stream.
    /// </summary>
    private bool Stream(IReadOnlyList<KeyValuePair<string, string>> filters, Dictionary<long, OneLoginUser>? collect, bool reportTotal, long[]? targets)
    {
        string? path = OneLoginApi.FirstUsersPage(filters);
        long seen = 0;
        bool totalReported = false;
        // With -IncludeTotalCount the first page is read even for -First 0, to learn the total.
        while (path is not null && (collect is not null || !Done || (reportTotal && PagingParameters.IncludeTotalCount && !totalReported)))
        {
            UserPage page;
            try
            {
                page = Await(Api.GetUsersPageAsync(path, StopToken));
            }
            catch (OneLoginApiException ex)
            {
                foreach (object? target in targets is null ? new object?[] { null } : targets.Cast<object?>())
                {
                    WriteApiError(ex, target);
                }

                return false;
            }

            if (reportTotal && !totalReported && PagingParameters.IncludeTotalCount && page.TotalCount is long total)
            {
                totalReported = true;
                WriteObject(PagingParameters.NewTotalCount((ulong)total, 1.0));
            }

            foreach (OneLoginUser user in page.Users)
            {
                seen++;
                if (collect is not null)
                {
                    collect[user.Id] = user;
                }
                else
                {
                    Emit(user);
                    if (Done)
                    {
                        break;
                    }
                }
            }

            if (reportTotal && page.TotalCount is long count && count > 0)
            {
                WriteProgress(new ProgressRecord(ProgressId, "Getting OneLogin users", string.Format(CultureInfo.CurrentCulture, "{0} of {1}", seen, count))
                {
                    PercentComplete = (int)Math.Min(100, seen * 100 / count),
                });
            }

            path = page.AfterCursor is null ? null : OneLoginApi.NextUsersPage(filters, page.AfterCursor);
        }

        if (reportTotal)
        {
            WriteProgress(new ProgressRecord(ProgressId, "Getting OneLogin users", "Done") { RecordType = ProgressRecordType.Completed });
        }

        return true;
    }

    private bool Done => _written >= PagingParameters.First;

    private void Emit(OneLoginUser user)
    {
        if (_skipped < PagingParameters.Skip)
        {
            _skipped++;
            return;
        }

        if (Done)
        {
            return;
        }

        _written++;
        WriteObject(user);
    }

    private List<KeyValuePair<string, string>> BuildFilters()
    {
        var filters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Filter is not null)
        {
            foreach (DictionaryEntry entry in Filter)
            {
                string key = Convert.ToString(entry.Key is PSObject pk ? pk.BaseObject : entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                if (key.Length == 0 || s_pagingKeys.Contains(key))
                {
                    ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid(
                        "FilterInvalid",
                        FormattableString.Invariant($"'{key}' cannot be used in -Filter: paging is done by the module. Use -First and -Skip to limit the output."),
                        Filter));
                }

                filters[key] = FormatValue(entry.Value);
            }
        }

        void Set(string key, string? value)
        {
            if (value is not null)
            {
                filters[key] = value;
            }
        }

        Set("email", Email);
        Set("username", Username);
        Set("firstname", FirstName);
        Set("lastname", LastName);
        return filters.ToList();
    }

    private static string FormatValue(object? value)
    {
        value = value is PSObject ps ? ps.BaseObject : value;
        switch (value)
        {
            case null:
                return string.Empty;
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case DateTime dt:
                return dt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            case DateTimeOffset dto:
                return dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            case IEnumerable items:
                return string.Join(",", items.Cast<object?>().Select(FormatValue));
            case IFormattable f:
                return f.ToString(null, CultureInfo.InvariantCulture);
            default:
                return value.ToString() ?? string.Empty;
        }
    }
}
