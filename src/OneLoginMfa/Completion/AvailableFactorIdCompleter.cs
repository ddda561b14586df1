using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Completion;

/// <summary>
/// Completes -FactorId of Register-OneLoginAuthFactor with the factors the user given by -UserId can still
/// enroll (GET /api/1/users/{id}/auth_factors): the text is the factor id, the list shows the factor's name.
/// </summary>
internal sealed class AvailableFactorIdCompleter : LiveIdCompleter
{
    /// <inheritdoc/>
    internal override async Task<IReadOnlyList<Candidate>> GetCandidatesAsync(OneLoginApi api, long userId, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuthFactor> factors = await api.GetAvailableAuthFactorsAsync(userId, cancellationToken).ConfigureAwait(false);
        return factors
            .Select(f => new Candidate(f.FactorId, f.Name, string.Format(CultureInfo.InvariantCulture, "{0} (factor id {1}, available to user {2})", f.Name, f.FactorId, userId)))
            .ToList();
    }
}
