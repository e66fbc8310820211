# ONNX from other tools (issue 12), through the built module: the committed PyTorch and onnx-helper
# fixtures (tests/ParityNet.Onnx.Tests/corpus/foreign, made by make_foreign.py), and, where PyTorch is
# installed, a PyTorch export made now that no test has seen before.
BeforeAll {
    Import-Module $env:PARITYNET_MANIFEST
    $script:foreign = Join-Path $PSScriptRoot '../ParityNet.Onnx.Tests/corpus/foreign' | Resolve-Path | Select-Object -ExpandProperty Path
    function Get-Expected([string] $Name) { Get-Content (Join-Path $foreign "$Name.expected.json") -Raw | ConvertFrom-Json }
    function Get-Fixture([string] $Name) { Join-Path $foreign "$Name.onnx" }
}

Describe 'Test-Parity -OnnxPath with models other tools wrote' {
    It 'runs the issue''s PyTorch model (input x, Gemm, opset 13, dynamic batch): every answer PyTorch''s own, Engine OnnxRuntime, Source the file' {
        $file = Get-Fixture 'torch-gemm-sigmoid-op13'
        $expected = Get-Expected 'torch-gemm-sigmoid-op13'
        $answers = 0..255 | Test-Parity -OnnxPath $file
        $answers | Should -HaveCount 256
        for ($i = 0; $i -lt 256; $i++) {
            [math]::Abs($answers[$i].Probability - $expected.probability_of_label_1[$i]) | Should -BeLessOrEqual 1e-6
            $answers[$i].Engine | Should -Be 'OnnxRuntime'
            $answers[$i].Source | Should -Be $file
        }
        @($answers | Where-Object Correct).Count | Should -Be 256
    }

    It 'says in -Verbose that the task and bit order are the defaults' {
        $verbose = Test-Parity -OnnxPath (Get-Fixture 'torch-gemm-sigmoid-op13') -Number 3 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join ' ') | Should -Match 'no ParityNet metadata: task Even and bits most significant first'
        ($verbose.Message -join ' ') | Should -Match 'its last node is Sigmoid'
    }

    It 'a logit model needs -OutputKind, and says so by name; with -OutputKind Logit it answers as PyTorch''s sigmoid of the logit' {
        $file = Get-Fixture 'torch-relu-logit-op17'
        { 1 | Test-Parity -OnnxPath $file -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.OnnxOutputKindUnknown,*'
        try { 1 | Test-Parity -OnnxPath $file -ErrorAction Stop } catch { $_.Exception.Message | Should -Match '-OutputKind Logit' }
        $expected = Get-Expected 'torch-relu-logit-op17'
        $answers = 0..255 | Test-Parity -OnnxPath $file -OutputKind Logit
        for ($i = 0; $i -lt 256; $i++) { [math]::Abs($answers[$i].Probability - $expected.probability_of_label_1[$i]) | Should -BeLessOrEqual 1e-6 }
    }

    It '-Task and -BitOrder set what Expected means and how bits are laid out: <Name>' -ForEach @(
        @{ Name = 'torch-tanh-two-layers-op13'; Task = 'BitParity'; Order = 'MsbFirst' }
        @{ Name = 'torch-lsb-first-op13'; Task = 'Even'; Order = 'LsbFirst' }
        @{ Name = 'torch-softmax-two-classes-op13'; Task = 'Even'; Order = 'MsbFirst' }
        @{ Name = 'torch-batch1-op13'; Task = 'Even'; Order = 'MsbFirst' }
        @{ Name = 'torch-float64-op13'; Task = 'Even'; Order = 'MsbFirst' }
    ) {
        $expected = Get-Expected $Name
        $count = [math]::Pow(2, $expected.bits)
        $answers = 0..($count - 1) | Test-Parity -OnnxPath (Get-Fixture $Name) -Task $Task -BitOrder $Order
        for ($i = 0; $i -lt $count; $i++) { [math]::Abs($answers[$i].Probability - $expected.probability_of_label_1[$i]) | Should -BeLessOrEqual 1e-6 }
        ($answers | Select-Object -First 1).Task | Should -Be $Task
    }
}

Describe 'Import-NetworkOnnx with models other tools wrote' {
    It 'converts the issue''s PyTorch model into a network that answers as PyTorch did, cross-checked' {
        $expected = Get-Expected 'torch-gemm-sigmoid-op13'
        $verbose = Import-NetworkOnnx (Get-Fixture 'torch-gemm-sigmoid-op13') -Verbose 4>&1
        $net = $verbose | Where-Object { $_ -is [ParityNet.ParityNetwork] }
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join ' ' | Should -Match 'Cross-check: ONNX Runtime ran the file and the engine the network on 256 inputs'
        $net.LayerSizes | Should -Be @(8, 4, 1)
        $net.Activation | Should -Be 'Sigmoid'
        $answers = 0..255 | Test-Parity -Network $net
        for ($i = 0; $i -lt 256; $i++) { [math]::Abs($answers[$i].Probability - $expected.probability_of_label_1[$i]) | Should -BeLessOrEqual 1e-6 }
    }

    It 'imports, exports with Export-NetworkOnnx and reads back: the same answers within float32 rounding' {
        $net = Import-NetworkOnnx (Get-Fixture 'torch-matmul-op17')
        $out = Join-Path $TestDrive 'from-torch.onnx'
        $result = $net | Export-NetworkOnnx $out
        $result.MaxAbsDifference | Should -BeLessOrEqual 1e-6
        $back = Import-NetworkOnnx $out
        foreach ($n in 0..31) { [math]::Abs($back.Predict($n) - $net.Predict($n)) | Should -BeLessOrEqual 1e-6 }
    }

    It 'refuses what it cannot take, naming it: <Name>' -ForEach @(
        @{ Name = 'torch-conv-op13'; Named = 'Unsqueeze'; Id = 'ParityNet.OnnxOperatorNotAllowed' }
        @{ Name = 'onnx-helper-two-inputs-op15'; Named = "2 inputs ('a', 'b')"; Id = 'ParityNet.OnnxUnsupportedGraph' }
        @{ Name = 'torch-softmax-two-classes-op13'; Named = 'Softmax'; Id = 'ParityNet.OnnxUnsupportedGraph' }
    ) {
        $errors = @()
        $null = Import-NetworkOnnx (Get-Fixture $Name) -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $errors[0].Exception.Message | Should -Match ([regex]::Escape($Named))
    }

    It 'a convolution is not run by Test-Parity -OnnxPath either: it runs only the operators of a feed-forward MLP' {
        { 1 | Test-Parity -OnnxPath (Get-Fixture 'torch-conv-op13') -ErrorAction Stop } | Should -Throw -ErrorId 'ParityNet.OnnxOperatorNotAllowed,*'
    }
}

Describe 'A PyTorch export no test has seen' {
    BeforeAll {
        $script:skip = $null
        $python = '/usr/bin/python3'
        if (-not (Test-Path $python)) { $script:skip = 'no /usr/bin/python3'; return }
        & $python -c 'import torch' 2>$null
        if ($LASTEXITCODE -ne 0) { $script:skip = 'PyTorch is not installed (apt-get install -y python3-torch)'; return }
        # A shape and seed drawn now: 5 to 9 bits, one or two hidden layers of 3 to 12 units, ReLU or
        # tanh, Linear or a bias-free matmul, sigmoid or logit output, opset 13 to 17.
        $script:made = Join-Path $TestDrive 'unseen.onnx'
        $script:answers = Join-Path $TestDrive 'unseen.json'
        $seed = Get-Random -Minimum 1 -Maximum 1000000
        $code = @'
import json, random, sys, torch
seed, path, answers = int(sys.argv[1]), sys.argv[2], sys.argv[3]
random.seed(seed); torch.manual_seed(seed)
bits = random.randint(5, 9)
widths = [random.randint(3, 12) for _ in range(random.randint(1, 2))]
act = random.choice([torch.nn.ReLU, torch.nn.Tanh, torch.nn.Sigmoid])
layers, prev = [], bits
for w in widths:
    layers += [torch.nn.Linear(prev, w, bias=random.random() < 0.8), act()]
    prev = w
layers.append(torch.nn.Linear(prev, 1))
logit = random.random() < 0.5
if not logit: layers.append(torch.nn.Sigmoid())
model = torch.nn.Sequential(*layers)
x = torch.tensor([[(n >> (bits - 1 - j)) & 1 for j in range(bits)] for n in range(2 ** bits)], dtype=torch.float32)
y = torch.tensor([[1.0 if n % 2 == 0 else 0.0] for n in range(2 ** bits)])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
loss_fn = torch.nn.BCEWithLogitsLoss() if logit else torch.nn.BCELoss()
for _ in range(200):
    opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step()
torch.onnx.export(model, x[:1], path, input_names=['features'], output_names=['score'],
                  dynamic_axes={'features': {0: 'n'}, 'score': {0: 'n'}}, opset_version=random.randint(13, 17))
with torch.no_grad():
    p = model(x); p = torch.sigmoid(p) if logit else p
json.dump({'seed': seed, 'bits': bits, 'widths': widths, 'activation': act.__name__, 'logit': logit,
           'probability': [float(v) for v in p.reshape(-1)]}, open(answers, 'w'))
'@
        & $python -c $code $seed $made $answers 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { $script:skip = "PyTorch could not export the model (exit $LASTEXITCODE)"; return }
        $script:truth = Get-Content $answers -Raw | ConvertFrom-Json
    }

    It 'is predicted and imported as PyTorch computes it' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $count = [math]::Pow(2, $truth.bits)
        $kind = if ($truth.logit) { 'Logit' } else { 'Probability' }
        $viaOnnx = 0..($count - 1) | Test-Parity -OnnxPath $made -OutputKind $kind
        $net = Import-NetworkOnnx $made
        $viaEngine = 0..($count - 1) | Test-Parity -Network $net
        $net.LayerSizes | Should -Be (@($truth.bits) + @($truth.widths) + @(1)) -Because "seed $($truth.seed)"
        for ($i = 0; $i -lt $count; $i++) {
            [math]::Abs($viaOnnx[$i].Probability - $truth.probability[$i]) | Should -BeLessOrEqual 1e-6 -Because "seed $($truth.seed), input $i"
            [math]::Abs($viaEngine[$i].Probability - $truth.probability[$i]) | Should -BeLessOrEqual 1e-6 -Because "seed $($truth.seed), input $i"
        }
    }
}
