# Loopback SSH "hosts" for remoting tests: each is a private sshd on its own loopback port with its own host
# key, config and authorized key inside $Folder (a TestDrive folder); nothing of the system's SSH set-up is
# touched. sshd runs in the foreground (-D) as a child of this process, so a test can kill a host and every
# session process under it at once (Stop-LoopbackSshd -Kill), as a lost machine would end them.
# Dot-source it in BeforeAll. Get-SshdSkipReason says why a test must be skipped, or $null.

function Get-SshdSkipReason {
    $sshd = Get-Command sshd -ErrorAction Ignore
    if (-not $sshd -and -not (Test-Path /usr/sbin/sshd)) { return 'openssh-server is not installed (apt-get install -y openssh-server)' }
    if (-not (Get-Command ssh -ErrorAction Ignore)) { return 'the ssh client is not installed' }
    # sshd insists on its privilege-separation folder, a system path these tests never create (.ci/run does).
    if (-not (Test-Path /run/sshd)) { return 'sshd needs its privilege-separation folder /run/sshd, a system path the tests do not create (.ci/run makes it; or: mkdir /run/sshd)' }
    return $null
}

# Starts one host. Returns Port, KeyFilePath, Options (for New-PSSession -Options), UserName, Process and Folder.
function Start-LoopbackSshd {
    param([Parameter(Mandatory)] [string] $Folder)
    $sshdPath = (Get-Command sshd -ErrorAction Ignore).Source
    if (-not $sshdPath) { $sshdPath = '/usr/sbin/sshd' }
    $null = New-Item -ItemType Directory $Folder -Force
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Folder 'host_key') | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Folder 'client_key') | Out-Null
    Copy-Item (Join-Path $Folder 'client_key.pub') (Join-Path $Folder 'authorized_keys')
    & chmod 600 (Join-Path $Folder 'authorized_keys') (Join-Path $Folder 'client_key') (Join-Path $Folder 'host_key')
    # The subsystem runs this very pwsh.
    . "$PSScriptRoot/../../../tools/PwshCommand.ps1"
    $process = [Environment]::ProcessPath
    $subsystem = "$((Get-PwshCommandLine) -join ' ') -sshs -NoLogo -NoProfile"
    $wrapper = Join-Path $Folder 'pwsh-subsystem.sh'
    Set-Content $wrapper "#!/bin/sh`nexport NO_COLOR=1 POWERSHELL_TELEMETRY_OPTOUT=1 ORT_DISABLE_TELEMETRY=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_ROOT='$([IO.Path]::GetDirectoryName($process))' HOME='$HOME'`nexec $subsystem`n"
    & chmod 755 $wrapper
    for ($try = 0; $try -lt 5; $try++) {
        $port = Get-Random -Minimum 20000 -Maximum 60000
        $config = Join-Path $Folder 'sshd_config'
        @(
            "Port $port", 'ListenAddress 127.0.0.1', "HostKey $Folder/host_key", "PidFile $Folder/sshd.pid",
            "AuthorizedKeysFile $Folder/authorized_keys", 'PasswordAuthentication no', 'PubkeyAuthentication yes',
            'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', "Subsystem powershell $wrapper"
        ) | Set-Content $config
        # Through sh, whose exec makes it sshd (the same process), with stdout and stderr on a file of the host's own: an
        # sshd never holds the caller's pipes, so a test reading a child's output is not kept waiting by a host it left.
        $start = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $start.UseShellExecute = $false
        foreach ($a in '-c', 'out=$1; shift; exec "$@" >"$out" 2>&1', 'sshd', (Join-Path $Folder 'sshd.out'), $sshdPath, '-D', '-f', $config, '-E', (Join-Path $Folder 'sshd.log')) {
            $start.ArgumentList.Add($a)
        }
        $child = [Diagnostics.Process]::Start($start)
        # Ready when the port answers.
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ([DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) {
            $client = [Net.Sockets.TcpClient]::new()
            try { $client.Connect('127.0.0.1', $port); break } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
        }
        if (-not $child.HasExited) {
            return [pscustomobject]@{
                Port        = $port
                KeyFilePath = Join-Path $Folder 'client_key'
                Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = (Join-Path $Folder 'known_hosts'); IdentitiesOnly = 'yes'; LogLevel = 'ERROR' }
                UserName    = [Environment]::UserName
                Process     = $child
                Folder      = $Folder
            }
        }
    }
    throw "sshd could not be started: $(Get-Content (Join-Path $Folder 'sshd.log') -Raw -ErrorAction Ignore)"
}

function New-LoopbackSession([Parameter(Mandatory)] $Sshd) {
    New-PSSession -HostName 127.0.0.1 -Port $Sshd.Port -UserName $Sshd.UserName -KeyFilePath $Sshd.KeyFilePath -Options $Sshd.Options -ErrorAction Stop
}

# Ends a host and every process under it: its listener, the per-connection sshd and the pwsh serving the session.
function Stop-LoopbackSshd([Parameter(Mandatory)] $Sshd) {
    if (-not $Sshd.Process.HasExited) { $Sshd.Process.Kill($true); $null = $Sshd.Process.WaitForExit(5000) }
}

# Ends every sshd whose configuration lies under $Under, with the processes under it: the hosts a child pwsh started and
# could not stop because it crashed first (they are then nobody's children).
function Stop-LeftoverSshd([Parameter(Mandatory)] [string] $Under) {
    foreach ($p in Get-Process -Name sshd -ErrorAction Ignore) {
        if ($p.CommandLine -and $p.CommandLine.Contains($Under)) {
            try { $p.Kill($true); $null = $p.WaitForExit(5000) } catch [InvalidOperationException] { } # already gone
        }
    }
}
