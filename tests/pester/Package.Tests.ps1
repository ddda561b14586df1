# The package a user would get: publish the built module to a temporary local repository with
# Publish-PSResource, read it back as the PowerShell Gallery would show it, install it with Install-PSResource
# into a temporary module path, and import and use it in a fresh pwsh that finds it through PSModulePath.
#
# Everything runs in child processes whose HOME is a temporary folder: on Linux and macOS that is where
# PSResourceGet keeps its repository list and its CurrentUser module path, so the user's own repositories and
# modules are never touched. On Windows those live in the real profile, so there the module is saved with
# Save-PSResource into the temporary path instead (Install-PSResource has no -Path), and the temporary
# repository is unregistered at the end.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/FreshPwsh.ps1"
    $script:version = (Import-PowerShellDataFile -LiteralPath (Join-Path -Path $ModulePath -ChildPath 'OneLoginMfa.psd1')).ModuleVersion
    $script:root = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath "onelogin-package-$([guid]::NewGuid().ToString('N'))"
    $script:repositoryPath = Join-Path -Path $root -ChildPath 'repository'
    $script:homePath = Join-Path -Path $root -ChildPath 'home'
    # Install-PSResource -Scope CurrentUser installs here when HOME is $homePath (Linux, macOS).
    $script:modulesPath = if ($IsWindows) {
        Join-Path -Path $root -ChildPath 'Modules'
    }
    else {
        Join-Path -Path $homePath -ChildPath '.local/share/powershell/Modules'
    }
    New-Item -ItemType Directory -Path $repositoryPath, $homePath, $modulesPath -Force | Out-Null
    $script:repositoryName = "OneLoginMfa-test-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:childEnvironment = @{
        HOME           = $homePath
        OLM_REPOSITORY = $repositoryName
        OLM_REPO_PATH  = $repositoryPath
        OLM_MODULE     = $ModulePath
        OLM_MODULES    = $modulesPath
    }

    $publish = {
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        Import-Module -Name Microsoft.PowerShell.PSResourceGet
        Register-PSResourceRepository -Name $env:OLM_REPOSITORY -Uri $env:OLM_REPO_PATH -Trusted
        try {
            Publish-PSResource -Path $env:OLM_MODULE -Repository $env:OLM_REPOSITORY -SkipDependenciesCheck
            $found = Find-PSResource -Name OneLoginMfa -Repository $env:OLM_REPOSITORY
            if ($IsWindows) {
                Save-PSResource -Name OneLoginMfa -Repository $env:OLM_REPOSITORY -Path $env:OLM_MODULES -TrustRepository -IncludeXml -Quiet
            }
            else {
                Install-PSResource -Name OneLoginMfa -Repository $env:OLM_REPOSITORY -Scope CurrentUser -TrustRepository -Quiet
            }
            [pscustomobject]@{
                Packages     = @(Get-ChildItem -LiteralPath $env:OLM_REPO_PATH -File | ForEach-Object { $_.Name })
                Name         = $found.Name
                Version      = $found.Version.ToString()
                Description  = $found.Description
                Author       = $found.Author
                Tags         = @($found.Tags)
                ProjectUri   = [string] $found.ProjectUri
                LicenseUri   = [string] $found.LicenseUri
                ReleaseNotes = $found.ReleaseNotes
            } | ConvertTo-Json -Compress -Depth 3
        }
        finally {
            Unregister-PSResourceRepository -Name $env:OLM_REPOSITORY
        }
    }
    $script:publishResult = Invoke-FreshPwsh -Script $publish.ToString() -Environment $childEnvironment -TimeoutSeconds 180
    $script:published = if ($publishResult.ExitCode -eq 0) { ConvertFrom-FreshPwshResult $publishResult }
}

AfterAll {
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Package' {
    It 'Publish-PSResource makes OneLoginMfa.<version>.nupkg in a local repository' {
        $publishResult.Error | Should -BeNullOrEmpty
        $publishResult.ExitCode | Should -Be 0
        $published.Packages | Should -Be @("OneLoginMfa.$version.nupkg")
        $published.Name | Should -Be 'OneLoginMfa'
        $published.Version | Should -Be $version
    }

    It 'carries what the PowerShell Gallery shows: description, tags, project and licence URIs, release notes' {
        $published.Description | Should -Match 'OneLogin'
        $published.Author | Should -Not -BeNullOrEmpty
        foreach ($tag in 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'macOS', 'OneLogin', 'MFA') {
            $published.Tags | Should -Contain $tag
        }
        $published.ProjectUri | Should -Match '^https://'
        $published.LicenseUri | Should -Match '^https://.+LICENSE'
        $published.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'takes the release notes from the CHANGELOG.md section of its version' {
        $changelog = Join-Path -Path $RepoRoot -ChildPath 'CHANGELOG.md'
        $lines = if (Test-Path -LiteralPath $changelog) { Get-Content -LiteralPath $changelog } else { @() }
        $heading = @($lines | Where-Object { $_ -match "^##\s+\[?$([regex]::Escape($version))\]?(\s|$)" })
        if (-not $heading) {
            Set-ItResult -Skipped -Because "CHANGELOG.md has no section for $version yet; the build keeps 'See CHANGELOG.md'"
            return
        }
        $published.ReleaseNotes | Should -Not -Be 'See CHANGELOG.md'
        $start = [array]::IndexOf($lines, $heading[0]) + 1
        $firstEntry = $lines[$start..($lines.Count - 1)] | Where-Object { $_.Trim() } | Select-Object -First 1
        $published.ReleaseNotes.Trim().StartsWith($firstEntry.Trim()) | Should -BeTrue
        $published.ReleaseNotes | Should -Not -Match '(?m)^## ' -Because 'only this version''s section, not the next one'
    }

    It 'installs into the temporary module path and works in a fresh pwsh that finds it through PSModulePath' {
        $emu = Start-OneLoginEmulator -Users 3
        try {
            $use = {
                $ErrorActionPreference = 'Stop'
                Import-Module -Name OneLoginMfa
                $module = Get-Module -Name OneLoginMfa
                $secret = ConvertTo-SecureString -String $env:OLM_SECRET -AsPlainText -Force
                Connect-OneLogin -BaseUri $env:OLM_URL -Credential ([pscredential]::new($env:OLM_ID, $secret))
                $user = Get-OneLoginUser -First 1
                [pscustomobject]@{
                    ModuleBase = $module.ModuleBase
                    Version    = $module.Version.ToString()
                    Commands   = @(Get-Command -Module OneLoginMfa).Count
                    UserId     = $user.Id
                    Synopsis   = (Get-Help -Name Connect-OneLogin).Synopsis
                    About      = [bool] (Get-Help -Name about_OneLoginMfa_Errors | Out-String | Select-String -Pattern 'OneLoginNotConnected' -SimpleMatch)
                } | ConvertTo-Json -Compress
            }
            $environment = $childEnvironment.Clone()
            $environment['PSModulePath'] = $modulesPath
            $environment['OLM_URL'] = $emu.Url.AbsoluteUri
            $environment['OLM_ID'] = $emu.ClientId
            $environment['OLM_SECRET'] = $emu.ClientSecret
            $result = Invoke-FreshPwsh -Script $use.ToString() -Environment $environment
            $result.Error | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            $data = ConvertFrom-FreshPwshResult $result
            $data.ModuleBase | Should -Be (Join-Path -Path $modulesPath -ChildPath "OneLoginMfa/$version")
            $data.Version | Should -Be $version
            $data.Commands | Should -Be (Get-Module -Name OneLoginMfa).ExportedCommands.Count
            $data.UserId | Should -Be $emu.FirstUserId
            $data.Synopsis | Should -Match 'Connects to a OneLogin tenant'
            $data.About | Should -BeTrue
        }
        finally {
            Stop-OneLoginEmulator -Emulator $emu
        }
    }

    It 'installed exactly the files of the built module' {
        $installed = Join-Path -Path $modulesPath -ChildPath "OneLoginMfa/$version"
        $relative = {
            param($base)
            Get-ChildItem -LiteralPath $base -Recurse -File | ForEach-Object { [System.IO.Path]::GetRelativePath($base, $_.FullName) -replace '\\', '/' } |
                Where-Object { $_ -ne 'PSGetModuleInfo.xml' } | Sort-Object
        }
        @(& $relative $installed) | Should -Be @(& $relative $ModulePath)
    }

    It 'left no repository registered' {
        if ($IsWindows) {
            Get-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        else {
            $store = Join-Path -Path $homePath -ChildPath '.local/share/PSResourceGet/PSResourceRepository.xml'
            Get-Content -LiteralPath $store -Raw | Should -Not -Match ([regex]::Escape($repositoryName))
        }
    }
}
