# The Debian python3 with the onnx package, which writes the hostile models (make_hostile.py): why a test that needs
# it must be skipped here, or $null when it can run. Dot-source it in BeforeAll.
$script:python = '/usr/bin/python3'
function Get-OnnxPythonSkipReason {
    if (-not (Test-Path $script:python)) { return 'no /usr/bin/python3' }
    & $script:python -c 'import onnx' 2>$null
    if ($LASTEXITCODE -ne 0) { return 'the onnx package is not installed (apt-get install -y python3-onnx)' }
    $null
}
