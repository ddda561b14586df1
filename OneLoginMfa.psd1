@{
    RootModule             = 'OneLoginMfa.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = 'ab2d15b0-0476-42ec-8d15-fdfe5013eb9c'
    Author                 = 'OneLoginMfa contributors'
    CompanyName            = 'OneLoginMfa contributors'
    Copyright              = '(c) 2026 OneLoginMfa contributors. MIT License.'
    Description            = 'OneLogin user and MFA APIs as first-class PowerShell: typed objects, pipeline binding, bounded concurrency, a shared rate-limit governor, retries and proper ErrorRecords. Binary module for Windows PowerShell 5.1 and PowerShell 7.4+.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('OneLoginMfa.Format.ps1xml')
    CmdletsToExport        = @(
        'Connect-OneLogin'
        'Disconnect-OneLogin'
        'Get-OneLoginConnection'
        'Get-OneLoginRateLimit'
        'Get-OneLoginUser'
        'Get-OneLoginAvailableAuthFactor'
        'Get-OneLoginEnrolledAuthFactor'
        'Register-OneLoginAuthFactor'
        'Send-OneLoginAuthFactorChallenge'
        'Confirm-OneLoginAuthFactor'
        'Remove-OneLoginAuthFactor'
        'New-OneLoginMfaToken'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'macOS', 'OneLogin', 'MFA')
            ProjectUri   = 'https://github.com/oneloginmfa/OneLoginMfa'
            LicenseUri   = 'https://github.com/oneloginmfa/OneLoginMfa/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md'
        }
    }
}
