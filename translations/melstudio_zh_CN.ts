<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>%1 has %2 channels; the wave VAE takes mono or stereo</source>
        <translation>%1 有 %2 个声道；波形 VAE 只接受单声道或立体声</translation>
    </message>
    <message>
        <source>%1 holds no samples</source>
        <translation>%1 不含采样</translation>
    </message>
    <message>
        <source>%1 has %2 channels; the tokenizer takes mono or stereo</source>
        <translation>%1 有 %2 个声道；分词器只接受单声道或立体声</translation>
    </message>
    <message>
        <source>%1 holds NaN or infinite samples</source>
        <translation>%1 含有 NaN 或无穷大的采样</translation>
    </message>
</context>
<context>
    <name>ms::app::AboutDialog</name>
    <message>
        <source>About melstudio</source>
        <translation>关于 melstudio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;melstudio %1&lt;/h3&gt;&lt;p&gt;A native studio for training and running audio generative models.&lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;LibTorch&lt;/td&gt;&lt;td&gt;%2&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;libsndfile&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Compute devices&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;CPU threads&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;h3&gt;melstudio %1&lt;/h3&gt;&lt;p&gt;用于训练和运行音频生成模型的原生工作室。&lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;LibTorch&lt;/td&gt;&lt;td&gt;%2&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;libsndfile&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;计算设备&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;CPU 线程&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
</context>
<context>
    <name>ms::app::ComparePage</name>
    <message>
        <source>Open A… (Ctrl+O)</source>
        <translation>打开 A…（Ctrl+O）</translation>
    </message>
    <message>
        <source>Open B…</source>
        <translation>打开 B…</translation>
    </message>
    <message>
        <source>B = model reconstruction of A</source>
        <translation>B = 模型重建 A</translation>
    </message>
    <message>
        <source>B = vocoder resynthesis of A</source>
        <translation>B = 声码器重新合成 A</translation>
    </message>
    <message>
        <source>Listening: B</source>
        <translation>正在试听：B</translation>
    </message>
    <message>
        <source>Listening: A</source>
        <translation>正在试听：A</translation>
    </message>
    <message>
        <source>A/B toggle: choose which clip plays</source>
        <translation>A/B 切换：选择播放哪个片段</translation>
    </message>
    <message>
        <source>Stop (Space)</source>
        <translation>停止（空格）</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>播放（空格）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: (empty)</source>
        <translation>%1：（空）</translation>
    </message>
    <message>
        <source>Drop an audio file here or press Ctrl+O</source>
        <translation>将音频文件拖放到此处，或按 Ctrl+O</translation>
    </message>
    <message>
        <source>Drop a second file, open one, or let the model make B from A</source>
        <translation>拖入第二个文件、打开文件，或让模型由 A 生成 B</translation>
    </message>
    <message>
        <source>Difference B − A (log-mel)</source>
        <translation>差异 B − A（对数梅尔）</translation>
    </message>
    <message>
        <source>Load A and B to see their difference</source>
        <translation>加载 A 和 B 以查看差异</translation>
    </message>
    <message>
        <source>Average spectrum</source>
        <translation>平均频谱</translation>
    </message>
    <message>
        <source>Waveforms (A blue, B orange)</source>
        <translation>波形（A 蓝色，B 橙色）</translation>
    </message>
    <message>
        <source>Open clip A</source>
        <translation>打开片段 A</translation>
    </message>
    <message>
        <source>Open clip B</source>
        <translation>打开片段 B</translation>
    </message>
    <message>
        <source>Audio files (*.wav *.aif *.aiff *.flac *.ogg *.opus);;All files (*)</source>
        <translation>音频文件 (*.wav *.aif *.aiff *.flac *.ogg *.opus);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Cannot open: %1</source>
        <translation>无法打开：%1</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1：%2 秒</translation>
    </message>
    <message>
        <source>Load clip A first.</source>
        <translation>请先加载片段 A。</translation>
    </message>
    <message>
        <source>No model is selected: load one on the Generate page.</source>
        <translation>未选择模型：请在“生成”页面加载一个模型。</translation>
    </message>
    <message>
        <source>reconstruction of %1</source>
        <translation>%1 的重建</translation>
    </message>
    <message>
        <source>resynthesis of %1</source>
        <translation>%1 的重新合成</translation>
    </message>
    <message>
        <source>Running the model on A…</source>
        <translation>正在对 A 运行模型…</translation>
    </message>
    <message>
        <source>The model could not make B: %1</source>
        <translation>模型无法生成 B：%1</translation>
    </message>
    <message>
        <source>This build has no inference engine.</source>
        <translation>此版本没有推理引擎。</translation>
    </message>
    <message>
        <source>No audio output device is available; playback is off.</source>
        <translation>没有可用的音频输出设备；播放已关闭。</translation>
    </message>
    <message>
        <source>Difference B − A (log-mel; dark: equal, blue: B quieter, orange: B louder, full colour at ±%1)</source>
        <translation>差值 B − A（对数梅尔；暗色：相同，蓝色：B 更轻，橙色：B 更响，±%1 时颜色最饱和）</translation>
    </message>
    <message>
        <source>Cutoff marker</source>
        <translation>截止频率线</translation>
    </message>
    <message>
        <source>A frequency line drawn on A, B and the average spectrum, to compare what lies above and below it (a band limit, a low-pass). Drag it up or down on a spectrogram.</source>
        <translation>在 A、B 和平均频谱上画出的一条频率线，用来比较其上下的内容（频带上限、低通）。可在频谱图上上下拖动。</translation>
    </message>
    <message>
        <source>A is %1 s, B is %2 s: both are drawn on one time axis; the difference covers the first %3 s.</source>
        <translation>A 长 %1 秒，B 长 %2 秒：两者画在同一时间轴上；差值只覆盖前 %3 秒。</translation>
    </message>
    <message>
        <source>The model reconstructs clips of %1 s: B is made from the first %1 s of A (%2 s).</source>
        <translation>模型重建 %1 秒长的片段：B 由 A（%2 秒）的前 %1 秒生成。</translation>
    </message>
    <message>
        <source>The vocoder resynthesised the first %1 s of A (%2 s).</source>
        <translation>声码器重新合成了 A（%2 秒）的前 %1 秒。</translation>
    </message>
</context>
<context>
    <name>ms::app::DatasetPage</name>
    <message>
        <source>Sample library folder</source>
        <translation>采样库文件夹</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Build a dataset</source>
        <translation>构建数据集</translation>
    </message>
    <message>
        <source>Sample library (nested folders; files with &quot;kick&quot; in the name are kept)</source>
        <translation>采样库（可嵌套文件夹；保留文件名含“kick”的文件）</translation>
    </message>
    <message>
        <source>1. Aggregate</source>
        <translation>1. 汇集</translation>
    </message>
    <message>
        <source>2. Preprocess</source>
        <translation>2. 预处理</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Browse result</source>
        <translation>浏览结果</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>时长（秒）</translation>
    </message>
    <message>
        <source>Peak</source>
        <translation>峰值</translation>
    </message>
    <message>
        <source>Keyword frequency</source>
        <translation>关键词频率</translation>
    </message>
    <message>
        <source>Click a file to see its mel spectrogram; Space plays it</source>
        <translation>点击文件查看其梅尔频谱；按空格播放</translation>
    </message>
    <message>
        <source>files</source>
        <translation>文件数</translation>
    </message>
    <message>
        <source>Pick a sample library and a dataset folder.</source>
        <translation>请选择采样库和数据集文件夹。</translation>
    </message>
    <message>
        <source>Choose the folders first.</source>
        <translation>请先选择文件夹。</translation>
    </message>
    <message>
        <source>Running melstudio-cli %1…</source>
        <translation>正在运行 melstudio-cli %1…</translation>
    </message>
    <message>
        <source>Done. %1</source>
        <translation>完成。%1</translation>
    </message>
    <message>
        <source>Failed (exit code %1): %2</source>
        <translation>失败（退出码 %1）：%2</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>无法运行 %1：%2</translation>
    </message>
    <message>
        <source>No preprocessed dataset in %1 yet (processed/index.json is missing).</source>
        <translation>%1 中还没有预处理过的数据集（缺少 processed/index.json）。</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the dataset.</source>
        <translation>
            <numerusform>数据集中有 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Done: the clips are collected in %1. Next, press Preprocess to compute their mels.</source>
        <translation>完成：片段已收集到 %1。下一步，点击“预处理”计算它们的梅尔谱。</translation>
    </message>
</context>
<context>
    <name>ms::app::FilePage</name>
    <message>
        <source>Open audio</source>
        <translation>打开音频</translation>
    </message>
    <message>
        <source>Audio files (*.wav *.flac *.ogg *.aiff *.mp3)</source>
        <translation>音频文件 (*.wav *.flac *.ogg *.aiff *.mp3)</translation>
    </message>
    <message>
        <source>Export decoded audio</source>
        <translation>导出解码后的音频</translation>
    </message>
    <message>
        <source>WAV files (*.wav)</source>
        <translation>WAV 文件 (*.wav)</translation>
    </message>
    <message>
        <source>Written to %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <source>Model…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <source>Open audio…</source>
        <translation>打开音频…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Play input</source>
        <translation>播放输入</translation>
    </message>
    <message>
        <source>Play decoded</source>
        <translation>播放解码结果</translation>
    </message>
    <message>
        <source>Export decoded…</source>
        <translation>导出解码结果…</translation>
    </message>
</context>
<context>
    <name>ms::app::GeneratePage</name>
    <message>
        <source>Open model package</source>
        <translation>打开模型包</translation>
    </message>
    <message>
        <source>No model is installed yet</source>
        <translation>尚未安装模型</translation>
    </message>
    <message>
        <source>To generate kicks you need a model package (a folder with model.json and .safetensors files).

• Train one on the Train page (VAE, then diffusion, then optionally the vocoder), then press &quot;Use for generation&quot; on a checkpoint.
• Or build one from the command line, as the README shows:
    melstudio-cli package --preset tiny --vocab &quot;punchy,808,deep,short&quot; --out ~/kick-model
  and open that folder here.

The studio also looks in $MELSTUDIO_MODEL_DIR and share/melstudio/models/kick-default.</source>
        <translation>生成底鼓需要一个模型包（包含 model.json 和 .safetensors 文件的文件夹）。

• 在“训练”页面训练一个（先 VAE，再扩散模型，声码器可选），然后在检查点上点击“用于生成”。
• 或者按 README 所示用命令行构建：
    melstudio-cli package --preset tiny --vocab &quot;punchy,808,deep,short&quot; --out ~/kick-model
  然后在这里打开该文件夹。

工作室也会在 $MELSTUDIO_MODEL_DIR 和 share/melstudio/models/kick-default 中查找。</translation>
    </message>
    <message>
        <source>This build of the studio has no inference engine (core/infer was not built). Rebuild melstudio with the kick pipeline to generate.</source>
        <translation>此版本的工作室没有推理引擎（未构建 core/infer）。请连同底鼓推理管线重新构建 melstudio 后再生成。</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <source>Go to the Train page</source>
        <translation>前往“训练”页面</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <source>Prompt and sampler</source>
        <translation>提示词与采样器</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>CFG 强度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>keywords, e.g. punchy 808 deep</source>
        <translation>关键词，例如 punchy 808 deep</translation>
    </message>
    <message>
        <source>Lock the seed (otherwise a new random seed is drawn for every run)</source>
        <translation>锁定种子（否则每次运行都会抽取新的随机种子）</translation>
    </message>
    <message>
        <source>Draw a random seed</source>
        <translation>抽取随机种子</translation>
    </message>
    <message>
        <source>Generate (Ctrl+G)</source>
        <translation>生成（Ctrl+G）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Takes</source>
        <translation>生成结果</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Stop (Space)</source>
        <translation>停止（空格）</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>播放（空格）</translation>
    </message>
    <message>
        <source>Export… (Ctrl+E)</source>
        <translation>导出…（Ctrl+E）</translation>
    </message>
    <message>
        <source>Latent, mel spectrogram and waveform</source>
        <translation>潜变量、梅尔频谱与波形</translation>
    </message>
    <message>
        <source>Select a take to see its mel spectrogram</source>
        <translation>选择一个结果以查看其梅尔频谱</translation>
    </message>
    <message>
        <source>Waveform</source>
        <translation>波形</translation>
    </message>
    <message>
        <source>Wait until the current job has finished before loading another model.</source>
        <translation>请等待当前任务完成后再加载其他模型。</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>Model: %1 on %2 — %3 keywords, vocoder: %4</source>
        <translation>模型：%1，设备 %2 — %3 个关键词，声码器：%4</translation>
    </message>
    <message>
        <source>HiFi-GAN</source>
        <translation>HiFi-GAN</translation>
    </message>
    <message>
        <source>none (Griffin-Lim)</source>
        <translation>无（Griffin-Lim）</translation>
    </message>
    <message>
        <source>Keywords: %1</source>
        <translation>关键词：%1</translation>
    </message>
    <message>
        <source>Unknown (ignored): %1</source>
        <translation>未知（已忽略）：%1</translation>
    </message>
    <message>
        <source>Empty prompt: unconditional generation</source>
        <translation>空提示词：无条件生成</translation>
    </message>
    <message>
        <source>Busy: wait for the current job or cancel it.</source>
        <translation>忙碌中：请等待当前任务或取消它。</translation>
    </message>
    <message>
        <source>No model is loaded. Open a model package or train one first.</source>
        <translation>未加载模型。请先打开模型包或训练一个模型。</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>生成失败：%1</translation>
    </message>
    <message>
        <source>Generation cancelled.</source>
        <translation>已取消生成。</translation>
    </message>
    <message numerus="yes">
        <source>Generated %n take(s) in %1 s.</source>
        <translation>
            <numerusform>在 %1 秒内生成了 %n 个结果。</numerusform>
        </translation>
    </message>
    <message>
        <source>(unconditional)</source>
        <translation>（无条件）</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>Select one or more takes to export.</source>
        <translation>请选择一个或多个要导出的结果。</translation>
    </message>
    <message>
        <source>Export take</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>WAV audio (*.wav)</source>
        <translation>WAV 音频 (*.wav)</translation>
    </message>
    <message numerus="yes">
        <source>Export %n takes into a folder</source>
        <translation>
            <numerusform>将 %n 个结果导出到文件夹</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n take(s).</source>
        <translation>
            <numerusform>已导出 %n 个结果。</numerusform>
        </translation>
    </message>
    <message>
        <source>keywords this model knows, e.g. %1</source>
        <translation>此模型认识的关键词，例如 %1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>iSTFT (Vocos)</source>
        <translation>iSTFT（Vocos）</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>The seed of the first take (the others count up from it). Unlocked, every run draws a new one and shows it here.</source>
        <translation>第一个结果的种子（其余依次加一）。未锁定时，每次生成都会抽取新种子并显示在这里。</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Clear takes…</source>
        <translation>清除生成结果…</translation>
    </message>
    <message>
        <source>Takes are kept between sessions (in %1) until you clear them.</source>
        <translation>生成结果会跨会话保留（在 %1 中），直到你清除它们。</translation>
    </message>
    <message>
        <source>No audio output device is available; playback is off. Export takes to listen to them elsewhere.</source>
        <translation>没有可用的音频输出设备；播放已关闭。可导出生成结果在别处试听。</translation>
    </message>
    <message numerus="yes">
        <source>This model knows %n word(s): %1</source>
        <translation>
            <numerusform>此模型认识 %n 个词：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>This take is not kept for the next session: %1</source>
        <translation>此结果不会保留到下次会话：%1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: not JSON (%2)</source>
        <translation>%1：不是 JSON（%2）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Some takes of the last session could not be restored:
%1</source>
        <translation>上次会话的部分生成结果无法恢复：
%1</translation>
    </message>
    <message>
        <source>Takes cleared.</source>
        <translation>生成结果已清除。</translation>
    </message>
    <message>
        <source>Clear takes</source>
        <translation>清除生成结果</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n take(s) of this session? Takes you have not exported are lost.</source>
        <translation>
            <numerusform>删除本次会话的全部 %n 个生成结果？未导出的结果将丢失。</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete takes</source>
        <translation>删除生成结果</translation>
    </message>
    <message>
        <source>Vocoder</source>
        <translation>声码器</translation>
    </message>
    <message>
        <source>The model&apos;s (none: Griffin-Lim)</source>
        <translation>模型自带（无：Griffin-Lim）</translation>
    </message>
    <message>
        <source>The model&apos;s (iSTFT)</source>
        <translation>模型自带（iSTFT）</translation>
    </message>
    <message>
        <source>The model&apos;s (HiFi-GAN)</source>
        <translation>模型自带（HiFi-GAN）</translation>
    </message>
    <message>
        <source>Griffin-Lim (64 iterations)</source>
        <translation>Griffin-Lim（64 次迭代）</translation>
    </message>
    <message>
        <source>How the spectrogram becomes audio: the model&apos;s neural vocoder, or Griffin-Lim (slower, smears the attack).</source>
        <translation>频谱图如何变成音频：模型的神经声码器，或 Griffin-Lim（更慢，会模糊起音）。</translation>
    </message>
</context>
<context>
    <name>ms::app::LatentPage</name>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Cannot open: %1</source>
        <translation>无法打开：%1</translation>
    </message>
    <message>
        <source>input: %1</source>
        <translation>输入：%1</translation>
    </message>
    <message>
        <source>Encode and decode to see the result</source>
        <translation>编码并解码后可查看结果</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1：%2 秒</translation>
    </message>
    <message>
        <source>Encoding…</source>
        <translation>正在编码…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Encoding failed: %1</source>
        <translation>编码失败：%1</translation>
    </message>
    <message>
        <source>%1 encoded and decoded</source>
        <translation>%1 已编码并解码</translation>
    </message>
    <message>
        <source>nothing decoded yet</source>
        <translation>尚无解码结果</translation>
    </message>
    <message>
        <source>A wave VAE package, run or checkpoint</source>
        <translation>波形 VAE 模型包、训练运行或检查点</translation>
    </message>
    <message>
        <source>Encode + decode</source>
        <translation>编码 + 解码</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>No wave VAE model: choose a package or a `train wavevae` run with Model…</source>
        <translation>没有波形 VAE 模型：请用“模型…”选择模型包或 `train wavevae` 训练运行</translation>
    </message>
    <message>
        <source>Open or drop an audio file</source>
        <translation>打开或拖入音频文件</translation>
    </message>
    <message>
        <source>Latent: %1 channels x %2 frames (%3 frames/s, %4 kb/s at float16), channel 0 at the top</source>
        <translation>潜变量：%1 个通道 x %2 帧（每秒 %3 帧，float16 下 %4 kb/s），通道 0 在最上方</translation>
    </message>
    <message>
        <source>decoded: SI-SDR %1 dB, mel distance %2 (mid signal)</source>
        <translation>解码结果：SI-SDR %1 dB，梅尔距离 %2（中置信号）</translation>
    </message>
    <message>
        <source>Latent</source>
        <translation>潜变量</translation>
    </message>
</context>
<context>
    <name>ms::app::MainWindow</name>
    <message>
        <source>The translation for %1 could not be loaded.</source>
        <translation>无法加载 %1 的翻译。</translation>
    </message>
    <message>
        <source>melstudio</source>
        <translation>melstudio</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open audio…</source>
        <translation>打开音频(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Export selected takes…</source>
        <translation>导出所选结果(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Play / stop</source>
        <translation>播放 / 停止</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About melstudio</source>
        <translation>关于 melstudio(&amp;A)</translation>
    </message>
    <message>
        <source>A training job is running</source>
        <translation>有训练任务正在运行</translation>
    </message>
    <message numerus="yes">
        <source>%n training job(s) are running (%1).

Stop them now (each writes a checkpoint first; Resume continues it later), or keep them running after the studio closes? The studio finds a job that is still running when it starts again, and can stop it then.</source>
        <translation>
            <numerusform>有 %n 个训练任务正在运行（%1）。

现在停止它们（每个任务先写入检查点；之后可用“继续”接着训练），还是在工作室关闭后让它们继续运行？工作室再次启动时会找到仍在运行的任务，并可在那时停止它。</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop with a checkpoint</source>
        <translation>写入检查点后停止</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>继续运行</translation>
    </message>
    <message>
        <source>A training job started earlier is still running (%1): the Train page shows it.</source>
        <translation>之前启动的训练任务仍在运行（%1）：可在“训练”页查看。</translation>
    </message>
    <message>
        <source>Latent</source>
        <translation>潜变量</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
</context>
<context>
    <name>ms::app::ModelsPage</name>
    <message>
        <source>Open model package</source>
        <translation>打开模型包</translation>
    </message>
    <message>
        <source>Reference checkpoint</source>
        <translation>参考检查点</translation>
    </message>
    <message>
        <source>PyTorch checkpoints (*.pt *.pth *.ckpt);;All files (*)</source>
        <translation>PyTorch 检查点 (*.pt *.pth *.ckpt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Model package folder (model.json + .safetensors)</source>
        <translation>模型包文件夹（model.json + .safetensors）</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Use for generation</source>
        <translation>用于生成</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Import a reference checkpoint</source>
        <translation>导入参考检查点</translation>
    </message>
    <message>
        <source>output package folder</source>
        <translation>输出模型包文件夹</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Open a model package to see its modules and parameter counts.</source>
        <translation>打开模型包以查看其模块和参数量。</translation>
    </message>
    <message>
        <source>Reading %1 (%2 on disk, device %3)…</source>
        <translation>正在读取 %1（磁盘占用 %2，设备 %3）…</translation>
    </message>
    <message>
        <source>melstudio-cli params failed: %1</source>
        <translation>melstudio-cli params 失败：%1</translation>
    </message>
    <message>
        <source>%1 parameters in %2 modules; %3 on disk; device %4</source>
        <translation>%2 个模块共 %1 个参数；磁盘占用 %3；设备 %4</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>无法运行 %1：%2</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Imported into %1.</source>
        <translation>已导入到 %1。</translation>
    </message>
    <message>
        <source>Import failed (exit code %1); see the report below.</source>
        <translation>导入失败（退出码 %1）；请查看下方报告。</translation>
    </message>
    <message>
        <source>VAE checkpoint (vae_epoch_100.pt)</source>
        <translation>VAE 检查点（vae_epoch_100.pt）</translation>
    </message>
    <message>
        <source>diffusion checkpoint (diffusion_step_100000.pt)</source>
        <translation>扩散模型检查点（diffusion_step_100000.pt）</translation>
    </message>
    <message>
        <source>vocoder checkpoint (optional)</source>
        <translation>声码器检查点（可选）</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Key or result</source>
        <translation>键或结果</translation>
    </message>
    <message>
        <source>Choose the VAE and diffusion checkpoints and an output folder.</source>
        <translation>请选择 VAE 和扩散模型检查点以及输出文件夹。</translation>
    </message>
    <message>
        <source>Module / stage</source>
        <translation>模块 / 阶段</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>assumed</source>
        <translation>已假定</translation>
    </message>
    <message>
        <source>Read the model card</source>
        <translation>阅读模型卡</translation>
    </message>
    <message>
        <source>The package&apos;s CARD.md: data, recipe and measurements</source>
        <translation>模型包的 CARD.md：数据、训练配方和测量结果</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too large to show here (%2).</source>
        <translation>%1 太大，无法在此显示（%2）。</translation>
    </message>
</context>
<context>
    <name>ms::app::TokenizerPage</name>
    <message>
        <source>Written to %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <source>Export tokens</source>
        <translation>导出词元</translation>
    </message>
    <message>
        <source>Token files (*.tokens.safetensors)</source>
        <translation>词元文件 (*.tokens.safetensors)</translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Cannot open: %1</source>
        <translation>无法打开：%1</translation>
    </message>
    <message>
        <source>input: %1 (16 kHz mono, dB mel)</source>
        <translation>输入：%1（16 kHz 单声道，dB 梅尔谱）</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1：%2 秒</translation>
    </message>
    <message>
        <source>Tokenizing…</source>
        <translation>正在分词…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Tokenizing failed: %1</source>
        <translation>分词失败：%1</translation>
    </message>
    <message>
        <source>%1 tokenized and decoded</source>
        <translation>%1 已分词并解码</translation>
    </message>
    <message>
        <source>nothing decoded yet</source>
        <translation>尚无解码结果</translation>
    </message>
    <message>
        <source>nothing tokenized yet</source>
        <translation>尚未分词</translation>
    </message>
    <message>
        <source>A tokenizer package, run or checkpoint</source>
        <translation>分词器模型包、训练运行或检查点</translation>
    </message>
    <message>
        <source>Tokenize + decode</source>
        <translation>分词 + 解码</translation>
    </message>
    <message>
        <source>Export tokens…</source>
        <translation>导出词元…</translation>
    </message>
    <message>
        <source>Model: %1 — %2-bit tokens, %3 tokens/s, %4 bit/s</source>
        <translation>模型：%1 — %2 位词元，每秒 %3 个词元，%4 bit/s</translation>
    </message>
    <message>
        <source>No tokenizer model: choose a package or a `train tokenizer` run with Model…</source>
        <translation>没有分词器模型：请用“模型…”选择一个模型包或 `train tokenizer` 训练运行</translation>
    </message>
    <message>
        <source>Open or drop an audio file</source>
        <translation>打开或拖入音频文件</translation>
    </message>
    <message>
        <source>Tokenize and decode to see the result</source>
        <translation>分词并解码后在此查看结果</translation>
    </message>
    <message>
        <source>Difference (decoded - input)</source>
        <translation>差异（解码 − 输入）</translation>
    </message>
    <message>
        <source>%1 bit-planes over the %2 x %3 patch grid of each 10.24 s window (windows: %4; bit 0, the most significant, at the top; light = +1)</source>
        <translation>%1 个位平面，覆盖每个 10.24 秒窗口的 %2 × %3 图块网格（窗口数：%4；第 0 位为最高位，位于顶部；亮色 = +1）</translation>
    </message>
    <message>
        <source>Token ids over time (one row per frequency patch): %1 tokens, %2 distinct ids, %3 bits per token of %4</source>
        <translation>词元 ID 随时间变化（每个频率图块一行）：%1 个词元，%2 个不同 ID，每个词元 %3 位熵（满分 %4 位）</translation>
    </message>
    <message>
        <source>decoded: mel MSE %1 dB², MAE %2 dB</source>
        <translation>解码：梅尔谱 MSE %1 dB²，MAE %2 dB</translation>
    </message>
    <message>
        <source>difference (decoded - input), ±30 dB</source>
        <translation>差异（解码 − 输入），±30 dB</translation>
    </message>
    <message>
        <source>Bit-planes</source>
        <translation>位平面</translation>
    </message>
    <message>
        <source>Token ids</source>
        <translation>词元 ID</translation>
    </message>
</context>
<context>
    <name>ms::app::TrainPage</name>
    <message>
        <source>Dataset folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>Training job</source>
        <translation>训练任务</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Open an existing run…</source>
        <translation>打开已有的运行…</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Use for generation</source>
        <translation>用于生成</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <source>log y</source>
        <translation>对数 y</translation>
    </message>
    <message>
        <source>smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>No run is open. Start a job or open a run folder.</source>
        <translation>没有打开的运行。请开始任务或打开运行文件夹。</translation>
    </message>
    <message>
        <source>Waiting for metrics…</source>
        <translation>等待指标…</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>Running: melstudio-cli %1 (pid %2)</source>
        <translation>运行中：melstudio-cli %1（pid %2）</translation>
    </message>
    <message>
        <source>Stopping: the job writes a checkpoint, then exits.</source>
        <translation>正在停止：任务会写入检查点后退出。</translation>
    </message>
    <message>
        <source>Watching %1</source>
        <translation>正在监视 %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;step&lt;/b&gt; %1 / %2 &amp;nbsp; &lt;b&gt;lr&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;samples/s&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;ETA&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;memory&lt;/b&gt; %6 MB</source>
        <translation>&lt;b&gt;步数&lt;/b&gt; %1 / %2 &amp;nbsp; &lt;b&gt;学习率&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;样本/秒&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;剩余时间&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;内存&lt;/b&gt; %6 MB</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <source>Paused at the last checkpoint. Press Resume to continue.</source>
        <translation>已在最近的检查点暂停。按“继续”以恢复训练。</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <source>The training job stopped unexpectedly. Its last log lines are below.</source>
        <translation>训练任务意外停止。以下是最后的日志行。</translation>
    </message>
    <message>
        <source>The training job failed: %1</source>
        <translation>训练任务失败：%1</translation>
    </message>
    <message>
        <source>Select a checkpoint first.</source>
        <translation>请先选择一个检查点。</translation>
    </message>
    <message>
        <source>Recipe options</source>
        <translation>配方选项</translation>
    </message>
    <message>
        <source>e.g. --batch 16 --lr 2e-4 --checkpoint-every 500</source>
        <translation>例如 --batch 16 --lr 2e-4 --checkpoint-every 500</translation>
    </message>
    <message>
        <source>Extra flags for melstudio-cli train (see melstudio-cli train --help)</source>
        <translation>传给 melstudio-cli train 的额外参数（见 melstudio-cli train --help）</translation>
    </message>
    <message>
        <source>Assembling a model package from step %1…</source>
        <translation>正在从第 %1 步组装模型包…</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Package written to %1</source>
        <translation>模型包已写入 %1</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>无法运行 %1：%2</translation>
    </message>
    <message>
        <source> &amp;nbsp; &lt;b&gt;GPU&lt;/b&gt; %1 MB (peak %2 MB)</source>
        <translation> &amp;nbsp; &lt;b&gt;显存&lt;/b&gt; %1 MB（峰值 %2 MB）</translation>
    </message>
    <message>
        <source>melstudio-cli refused the job: %1</source>
        <translation>melstudio-cli 拒绝了该任务：%1</translation>
    </message>
    <message>
        <source>A VAE run folder or a model package</source>
        <translation>VAE 运行文件夹或模型包</translation>
    </message>
    <message>
        <source>Training steps (—: the preset&apos;s default: tiny 500 steps, paper the recipe&apos;s length)</source>
        <translation>训练步数（—：预设的默认值：tiny 为 500 步，paper 为配方的长度）</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>The trained VAE whose latents the diffusion model learns: a VAE run folder (its newest checkpoint) or a model package. Train a VAE run first.</source>
        <translation>扩散模型要学习其潜变量的已训练 VAE：一个 VAE 运行文件夹（使用其最新检查点）或一个模型包。请先训练一个 VAE。</translation>
    </message>
    <message>
        <source>no VAE run found: train a VAE first</source>
        <translation>未找到 VAE 运行：请先训练一个 VAE</translation>
    </message>
    <message>
        <source>A diffusion checkpoint: packaged with its VAE and opened on the Generate page. A VAE checkpoint: sets the form to train a diffusion model on it.</source>
        <translation>扩散检查点：与其 VAE 一起打包并在“生成”页打开。VAE 检查点：把表单设置为在其上训练扩散模型。</translation>
    </message>
    <message>
        <source>Export package…</source>
        <translation>导出模型包…</translation>
    </message>
    <message>
        <source>Write the selected diffusion checkpoint, with its VAE, as a model package folder</source>
        <translation>把选中的扩散检查点连同其 VAE 写成一个模型包文件夹</translation>
    </message>
    <message>
        <source>A training job is already running (pid %1, run folder %2). Stop it first.</source>
        <translation>已有训练任务在运行（pid %1，运行文件夹 %2）。请先停止它。</translation>
    </message>
    <message>
        <source>Choose a run folder first.</source>
        <translation>请先选择运行文件夹。</translation>
    </message>
    <message>
        <source>A training job is already running in %1 (pid %2). Stop it first.</source>
        <translation>%1 中已有训练任务在运行（pid %2）。请先停止它。</translation>
    </message>
    <message>
        <source>%1 is not a run folder (it has no run.json): there is nothing to resume. Press Start to begin a run there.</source>
        <translation>%1 不是运行文件夹（没有 run.json）：没有可继续的内容。点击“开始”在那里开始一次运行。</translation>
    </message>
    <message>
        <source>Choose a dataset folder first (one made on the Dataset page).</source>
        <translation>请先选择数据集文件夹（在“数据集”页制作）。</translation>
    </message>
    <message>
        <source>%1 is not a preprocessed dataset (no index.json in it or in processed/). Aggregate and preprocess it on the Dataset page first.</source>
        <translation>%1 不是预处理过的数据集（其中或 processed/ 中没有 index.json）。请先在“数据集”页汇集并预处理。</translation>
    </message>
    <message>
        <source>A diffusion run needs a trained VAE: choose one in the VAE list (train a VAE run first).</source>
        <translation>扩散训练需要一个已训练的 VAE：请在 VAE 列表中选择（先训练一个 VAE）。</translation>
    </message>
    <message>
        <source>Cannot create the run folder %1.</source>
        <translation>无法创建运行文件夹 %1。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. A studio opened later will not find this job.</source>
        <translation>无法写入 %1：%2。之后打开的工作室将找不到这个任务。</translation>
    </message>
    <message>
        <source>No training job is running in the run being watched.</source>
        <translation>正在查看的运行中没有训练任务在运行。</translation>
    </message>
    <message numerus="yes">
        <source>%n more training job(s) are running; open their run folders to watch them: %1</source>
        <translation>
            <numerusform>另有 %n 个训练任务在运行；打开它们的运行文件夹即可查看：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>A training job is running in %1 (pid %2, started %3). Watching it; Stop asks it to write a checkpoint and exit.</source>
        <translation>%1 中有训练任务在运行（pid %2，开始于 %3）。正在查看；“停止”会让它写入检查点后退出。</translation>
    </message>
    <message>
        <source>%1 — VAE run, %2 preset, step %3</source>
        <translation>%1 — VAE 运行，%2 预设，第 %3 步</translation>
    </message>
    <message>
        <source>%1 — model package</source>
        <translation>%1 — 模型包</translation>
    </message>
    <message>
        <source>A VAE alone does not generate kicks: next, a diffusion model learns to make its latents. The form is set to train one on this VAE (step %1) and the same dataset; press Start.</source>
        <translation>单独的 VAE 不能生成底鼓：下一步要训练一个扩散模型来生成它的潜变量。表单已设置为在这个 VAE（第 %1 步）和同一数据集上训练；请点击“开始”。</translation>
    </message>
    <message>
        <source>A %1 checkpoint does not generate on its own: select a checkpoint of a diffusion run (it is packaged with its VAE).</source>
        <translation>%1 检查点本身不能生成：请选择扩散运行的检查点（它会与其 VAE 一起打包）。</translation>
    </message>
    <message>
        <source>component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Export a model package (a folder)</source>
        <translation>导出模型包（一个文件夹）</translation>
    </message>
    <message>
        <source>%1 already holds a run: press Resume to continue it, or choose another run folder (for example %2).</source>
        <translation>%1 中已有一次运行：点击“继续”接着训练，或选择另一个运行文件夹（例如 %2）。</translation>
    </message>
    <message>
        <source> &amp;nbsp; &lt;b&gt;ranks&lt;/b&gt; %1 (samples/s per rank: %2)</source>
        <translation> &amp;nbsp; &lt;b&gt;进程数&lt;/b&gt; %1（每个进程 样本/秒：%2）</translation>
    </message>
    <message>
        <source>%1 is not a folder: the %2 trains on a folder of audio files.</source>
        <translation>%1 不是文件夹：%2 需要在一个音频文件夹上训练。</translation>
    </message>
    <message>
        <source>Select a checkpoint of a diffusion, wave VAE or tokenizer run to export it as a model package.</source>
        <translation>请选择扩散、波形 VAE 或分词器训练运行的检查点，将其导出为模型包。</translation>
    </message>
    <message>
        <source>%1 is not a diffusion, wave VAE or tokenizer checkpoint: only those become model packages.</source>
        <translation>%1 不是扩散、波形 VAE 或分词器的检查点：只有这些才能成为模型包。</translation>
    </message>
</context>
<context>
    <name>ms::app::TrainPreview</name>
    <message>
        <source>Preview at step %1: target (left) and model output (right)</source>
        <translation>第 %1 步的预览：目标（左）与模型输出（右）</translation>
    </message>
    <message>
        <source>Preview: target (left) and model output (right)</source>
        <translation>预览：目标（左）与模型输出（右）</translation>
    </message>
    <message>
        <source>Target mel</source>
        <translation>目标梅尔</translation>
    </message>
    <message>
        <source>Model output</source>
        <translation>模型输出</translation>
    </message>
    <message>
        <source>Stop (Space)</source>
        <translation>停止（空格）</translation>
    </message>
    <message>
        <source>Play preview (Space)</source>
        <translation>播放预览（空格）</translation>
    </message>
    <message>
        <source>Latent of the target: %1 channels × %2 frames (channel 0 at the top; blue negative, red positive)</source>
        <translation>目标的潜变量：%1 个通道 × %2 帧（通道 0 在最上方；蓝色为负，红色为正）</translation>
    </message>
    <message>
        <source>target: %1</source>
        <translation>目标：%1</translation>
    </message>
    <message>
        <source>output: %1</source>
        <translation>输出：%1</translation>
    </message>
</context>
<context>
    <name>ms::widgets::LatentGrid</name>
    <message>
        <source>Latent (4 × 8 × 11) appears here while generating</source>
        <translation>生成时此处显示潜变量（4 × 8 × 11）</translation>
    </message>
    <message>
        <source>ch %1</source>
        <translation>通道 %1</translation>
    </message>
    <message>
        <source>step %1/%2</source>
        <translation>第 %1/%2 步</translation>
    </message>
</context>
<context>
    <name>ms::widgets::LossPlot</name>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
</context>
<context>
    <name>ms::widgets::Player</name>
    <message>
        <source>No audio output device is available; playback is off.</source>
        <translation>没有可用的音频输出设备；播放已关闭。</translation>
    </message>
    <message>
        <source>Cannot resample for playback: %1</source>
        <translation>无法为播放重采样：%1</translation>
    </message>
    <message>
        <source>The audio device could not be opened.</source>
        <translation>无法打开音频设备。</translation>
    </message>
    <message>
        <source>Audio playback failed.</source>
        <translation>音频播放失败。</translation>
    </message>
</context>
<context>
    <name>ms::widgets::SpectrogramView</name>
    <message>
        <source>(end of clip)</source>
        <translation>（片段结束）</translation>
    </message>
    <message>
        <source>cutoff %1 Hz</source>
        <translation>截止 %1 Hz</translation>
    </message>
</context>
<context>
    <name>ms::widgets::SpectrumPlot</name>
    <message>
        <source>frequency (Hz)</source>
        <translation>频率（Hz）</translation>
    </message>
    <message>
        <source>level (dB)</source>
        <translation>电平（dB）</translation>
    </message>
</context>
</TS>
