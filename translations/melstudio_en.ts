<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>QObject</name>
    <message>
        <source>%1 has %2 channels; the wave VAE takes mono or stereo</source>
        <translation>%1 has %2 channels; the wave VAE takes mono or stereo</translation>
    </message>
    <message>
        <source>%1 holds no samples</source>
        <translation>%1 holds no samples</translation>
    </message>
    <message>
        <source>%1 has %2 channels; the tokenizer takes mono or stereo</source>
        <translation>%1 has %2 channels; the tokenizer takes mono or stereo</translation>
    </message>
    <message>
        <source>%1 holds NaN or infinite samples</source>
        <translation>%1 holds NaN or infinite samples</translation>
    </message>
</context>
<context>
    <name>ms::app::AboutDialog</name>
    <message>
        <source>About melstudio</source>
        <translation>About melstudio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;melstudio %1&lt;/h3&gt;&lt;p&gt;A native studio for training and running audio generative models.&lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;LibTorch&lt;/td&gt;&lt;td&gt;%2&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;libsndfile&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Compute devices&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;CPU threads&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;h3&gt;melstudio %1&lt;/h3&gt;&lt;p&gt;A native studio for training and running audio generative models.&lt;/p&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;LibTorch&lt;/td&gt;&lt;td&gt;%2&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Qt&lt;/td&gt;&lt;td&gt;%3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;libsndfile&lt;/td&gt;&lt;td&gt;%4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Compute devices&lt;/td&gt;&lt;td&gt;%5&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;CPU threads&lt;/td&gt;&lt;td&gt;%6&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
</context>
<context>
    <name>ms::app::ComparePage</name>
    <message>
        <source>Open A… (Ctrl+O)</source>
        <translation>Open A… (Ctrl+O)</translation>
    </message>
    <message>
        <source>Open B…</source>
        <translation>Open B…</translation>
    </message>
    <message>
        <source>B = model reconstruction of A</source>
        <translation>B = model reconstruction of A</translation>
    </message>
    <message>
        <source>B = vocoder resynthesis of A</source>
        <translation>B = vocoder resynthesis of A</translation>
    </message>
    <message>
        <source>Listening: B</source>
        <translation>Listening: B</translation>
    </message>
    <message>
        <source>Listening: A</source>
        <translation>Listening: A</translation>
    </message>
    <message>
        <source>A/B toggle: choose which clip plays</source>
        <translation>A/B toggle: choose which clip plays</translation>
    </message>
    <message>
        <source>Stop (Space)</source>
        <translation>Stop (Space)</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>Play (Space)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: (empty)</source>
        <translation>%1: (empty)</translation>
    </message>
    <message>
        <source>Drop an audio file here or press Ctrl+O</source>
        <translation>Drop an audio file here or press Ctrl+O</translation>
    </message>
    <message>
        <source>Drop a second file, open one, or let the model make B from A</source>
        <translation>Drop a second file, open one, or let the model make B from A</translation>
    </message>
    <message>
        <source>Difference B − A (log-mel)</source>
        <translation>Difference B − A (log-mel)</translation>
    </message>
    <message>
        <source>Load A and B to see their difference</source>
        <translation>Load A and B to see their difference</translation>
    </message>
    <message>
        <source>Average spectrum</source>
        <translation>Average spectrum</translation>
    </message>
    <message>
        <source>Waveforms (A blue, B orange)</source>
        <translation>Waveforms (A blue, B orange)</translation>
    </message>
    <message>
        <source>Open clip A</source>
        <translation>Open clip A</translation>
    </message>
    <message>
        <source>Open clip B</source>
        <translation>Open clip B</translation>
    </message>
    <message>
        <source>Audio files (*.wav *.aif *.aiff *.flac *.ogg *.opus);;All files (*)</source>
        <translation>Audio files (*.wav *.aif *.aiff *.flac *.ogg *.opus);;All files (*)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <source>Cannot open: %1</source>
        <translation>Cannot open: %1</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1: %2 s</translation>
    </message>
    <message>
        <source>Load clip A first.</source>
        <translation>Load clip A first.</translation>
    </message>
    <message>
        <source>No model is selected: load one on the Generate page.</source>
        <translation>No model is selected: load one on the Generate page.</translation>
    </message>
    <message>
        <source>reconstruction of %1</source>
        <translation>reconstruction of %1</translation>
    </message>
    <message>
        <source>resynthesis of %1</source>
        <translation>resynthesis of %1</translation>
    </message>
    <message>
        <source>Running the model on A…</source>
        <translation>Running the model on A…</translation>
    </message>
    <message>
        <source>The model could not make B: %1</source>
        <translation>The model could not make B: %1</translation>
    </message>
    <message>
        <source>This build has no inference engine.</source>
        <translation>This build has no inference engine.</translation>
    </message>
    <message>
        <source>No audio output device is available; playback is off.</source>
        <translation>No audio output device is available; playback is off.</translation>
    </message>
    <message>
        <source>Difference B − A (log-mel; dark: equal, blue: B quieter, orange: B louder, full colour at ±%1)</source>
        <translation>Difference B − A (log-mel; dark: equal, blue: B quieter, orange: B louder, full colour at ±%1)</translation>
    </message>
    <message>
        <source>Cutoff marker</source>
        <translation>Cutoff marker</translation>
    </message>
    <message>
        <source>A frequency line drawn on A, B and the average spectrum, to compare what lies above and below it (a band limit, a low-pass). Drag it up or down on a spectrogram.</source>
        <translation>A frequency line drawn on A, B and the average spectrum, to compare what lies above and below it (a band limit, a low-pass). Drag it up or down on a spectrogram.</translation>
    </message>
    <message>
        <source>A is %1 s, B is %2 s: both are drawn on one time axis; the difference covers the first %3 s.</source>
        <translation>A is %1 s, B is %2 s: both are drawn on one time axis; the difference covers the first %3 s.</translation>
    </message>
    <message>
        <source>The model reconstructs clips of %1 s: B is made from the first %1 s of A (%2 s).</source>
        <translation>The model reconstructs clips of %1 s: B is made from the first %1 s of A (%2 s).</translation>
    </message>
    <message>
        <source>The vocoder resynthesised the first %1 s of A (%2 s).</source>
        <translation>The vocoder resynthesised the first %1 s of A (%2 s).</translation>
    </message>
</context>
<context>
    <name>ms::app::DatasetPage</name>
    <message>
        <source>Sample library folder</source>
        <translation>Sample library folder</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>Dataset folder</translation>
    </message>
    <message>
        <source>Build a dataset</source>
        <translation>Build a dataset</translation>
    </message>
    <message>
        <source>Sample library (nested folders; files with &quot;kick&quot; in the name are kept)</source>
        <translation>Sample library (nested folders; files with &quot;kick&quot; in the name are kept)</translation>
    </message>
    <message>
        <source>1. Aggregate</source>
        <translation>1. Aggregate</translation>
    </message>
    <message>
        <source>2. Preprocess</source>
        <translation>2. Preprocess</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Browse result</source>
        <translation>Browse result</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>Keywords</translation>
    </message>
    <message>
        <source>Duration (s)</source>
        <translation>Duration (s)</translation>
    </message>
    <message>
        <source>Peak</source>
        <translation>Peak</translation>
    </message>
    <message>
        <source>Keyword frequency</source>
        <translation>Keyword frequency</translation>
    </message>
    <message>
        <source>Click a file to see its mel spectrogram; Space plays it</source>
        <translation>Click a file to see its mel spectrogram; Space plays it</translation>
    </message>
    <message>
        <source>files</source>
        <translation>files</translation>
    </message>
    <message>
        <source>Pick a sample library and a dataset folder.</source>
        <translation>Pick a sample library and a dataset folder.</translation>
    </message>
    <message>
        <source>Choose the folders first.</source>
        <translation>Choose the folders first.</translation>
    </message>
    <message>
        <source>Running melstudio-cli %1…</source>
        <translation>Running melstudio-cli %1…</translation>
    </message>
    <message>
        <source>Done. %1</source>
        <translation>Done. %1</translation>
    </message>
    <message>
        <source>Failed (exit code %1): %2</source>
        <translation>Failed (exit code %1): %2</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>Cannot run %1: %2</translation>
    </message>
    <message>
        <source>No preprocessed dataset in %1 yet (processed/index.json is missing).</source>
        <translation>No preprocessed dataset in %1 yet (processed/index.json is missing).</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the dataset.</source>
        <translation>
            <numerusform>%n file in the dataset.</numerusform>
            <numerusform>%n files in the dataset.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
    <message>
        <source>Done: the clips are collected in %1. Next, press Preprocess to compute their mels.</source>
        <translation>Done: the clips are collected in %1. Next, press Preprocess to compute their mels.</translation>
    </message>
</context>
<context>
    <name>ms::app::FilePage</name>
    <message>
        <source>Open audio</source>
        <translation>Open audio</translation>
    </message>
    <message>
        <source>Audio files (*.wav *.flac *.ogg *.aiff *.mp3)</source>
        <translation>Audio files (*.wav *.flac *.ogg *.aiff *.mp3)</translation>
    </message>
    <message>
        <source>Export decoded audio</source>
        <translation>Export decoded audio</translation>
    </message>
    <message>
        <source>WAV files (*.wav)</source>
        <translation>WAV files (*.wav)</translation>
    </message>
    <message>
        <source>Written to %1</source>
        <translation>Written to %1</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>Cannot export: %1</translation>
    </message>
    <message>
        <source>Model…</source>
        <translation>Model…</translation>
    </message>
    <message>
        <source>Open audio…</source>
        <translation>Open audio…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Play input</source>
        <translation>Play input</translation>
    </message>
    <message>
        <source>Play decoded</source>
        <translation>Play decoded</translation>
    </message>
    <message>
        <source>Export decoded…</source>
        <translation>Export decoded…</translation>
    </message>
</context>
<context>
    <name>ms::app::GeneratePage</name>
    <message>
        <source>Open model package</source>
        <translation>Open model package</translation>
    </message>
    <message>
        <source>No model is installed yet</source>
        <translation>No model is installed yet</translation>
    </message>
    <message>
        <source>To generate kicks you need a model package (a folder with model.json and .safetensors files).

• Train one on the Train page (VAE, then diffusion, then optionally the vocoder), then press &quot;Use for generation&quot; on a checkpoint.
• Or build one from the command line, as the README shows:
    melstudio-cli package --preset tiny --vocab &quot;punchy,808,deep,short&quot; --out ~/kick-model
  and open that folder here.

The studio also looks in $MELSTUDIO_MODEL_DIR and share/melstudio/models/kick-default.</source>
        <translation>To generate kicks you need a model package (a folder with model.json and .safetensors files).

• Train one on the Train page (VAE, then diffusion, then optionally the vocoder), then press &quot;Use for generation&quot; on a checkpoint.
• Or build one from the command line, as the README shows:
    melstudio-cli package --preset tiny --vocab &quot;punchy,808,deep,short&quot; --out ~/kick-model
  and open that folder here.

The studio also looks in $MELSTUDIO_MODEL_DIR and share/melstudio/models/kick-default.</translation>
    </message>
    <message>
        <source>This build of the studio has no inference engine (core/infer was not built). Rebuild melstudio with the kick pipeline to generate.</source>
        <translation>This build of the studio has no inference engine (core/infer was not built). Rebuild melstudio with the kick pipeline to generate.</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>Open model folder…</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>Open model…</translation>
    </message>
    <message>
        <source>Go to the Train page</source>
        <translation>Go to the Train page</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>No model</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Model: %1</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>Compute device</translation>
    </message>
    <message>
        <source>Prompt and sampler</source>
        <translation>Prompt and sampler</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>CFG scale</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>keywords, e.g. punchy 808 deep</source>
        <translation>keywords, e.g. punchy 808 deep</translation>
    </message>
    <message>
        <source>Lock the seed (otherwise a new random seed is drawn for every run)</source>
        <translation>Lock the seed (otherwise a new random seed is drawn for every run)</translation>
    </message>
    <message>
        <source>Draw a random seed</source>
        <translation>Draw a random seed</translation>
    </message>
    <message>
        <source>Generate (Ctrl+G)</source>
        <translation>Generate (Ctrl+G)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Takes</source>
        <translation>Takes</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Stop (Space)</source>
        <translation>Stop (Space)</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>Play (Space)</translation>
    </message>
    <message>
        <source>Export… (Ctrl+E)</source>
        <translation>Export… (Ctrl+E)</translation>
    </message>
    <message>
        <source>Latent, mel spectrogram and waveform</source>
        <translation>Latent, mel spectrogram and waveform</translation>
    </message>
    <message>
        <source>Select a take to see its mel spectrogram</source>
        <translation>Select a take to see its mel spectrogram</translation>
    </message>
    <message>
        <source>Waveform</source>
        <translation>Waveform</translation>
    </message>
    <message>
        <source>Wait until the current job has finished before loading another model.</source>
        <translation>Wait until the current job has finished before loading another model.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>Cannot load the model: %1</translation>
    </message>
    <message>
        <source>Model: %1 on %2 — %3 keywords, vocoder: %4</source>
        <translation>Model: %1 on %2 — %3 keywords, vocoder: %4</translation>
    </message>
    <message>
        <source>HiFi-GAN</source>
        <translation>HiFi-GAN</translation>
    </message>
    <message>
        <source>none (Griffin-Lim)</source>
        <translation>none (Griffin-Lim)</translation>
    </message>
    <message>
        <source>Keywords: %1</source>
        <translation>Keywords: %1</translation>
    </message>
    <message>
        <source>Unknown (ignored): %1</source>
        <translation>Unknown (ignored): %1</translation>
    </message>
    <message>
        <source>Empty prompt: unconditional generation</source>
        <translation>Empty prompt: unconditional generation</translation>
    </message>
    <message>
        <source>Busy: wait for the current job or cancel it.</source>
        <translation>Busy: wait for the current job or cancel it.</translation>
    </message>
    <message>
        <source>No model is loaded. Open a model package or train one first.</source>
        <translation>No model is loaded. Open a model package or train one first.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Generation failed: %1</translation>
    </message>
    <message>
        <source>Generation cancelled.</source>
        <translation>Generation cancelled.</translation>
    </message>
    <message numerus="yes">
        <source>Generated %n take(s) in %1 s.</source>
        <translation>
            <numerusform>Generated %n take in %1 s.</numerusform>
            <numerusform>Generated %n takes in %1 s.</numerusform>
        </translation>
    </message>
    <message>
        <source>(unconditional)</source>
        <translation>(unconditional)</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>seed %1</translation>
    </message>
    <message>
        <source>Select one or more takes to export.</source>
        <translation>Select one or more takes to export.</translation>
    </message>
    <message>
        <source>Export take</source>
        <translation>Export take</translation>
    </message>
    <message>
        <source>WAV audio (*.wav)</source>
        <translation>WAV audio (*.wav)</translation>
    </message>
    <message numerus="yes">
        <source>Export %n takes into a folder</source>
        <translation>
            <numerusform>Export %n take into a folder</numerusform>
            <numerusform>Export %n takes into a folder</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export failed: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n take(s).</source>
        <translation>
            <numerusform>Exported %n take.</numerusform>
            <numerusform>Exported %n takes.</numerusform>
        </translation>
    </message>
    <message>
        <source>keywords this model knows, e.g. %1</source>
        <translation>keywords this model knows, e.g. %1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warning: %1</translation>
    </message>
    <message>
        <source>iSTFT (Vocos)</source>
        <translation>iSTFT (Vocos)</translation>
    </message>
    <message>
        <source>random</source>
        <translation>random</translation>
    </message>
    <message>
        <source>The seed of the first take (the others count up from it). Unlocked, every run draws a new one and shows it here.</source>
        <translation>The seed of the first take (the others count up from it). Unlocked, every run draws a new one and shows it here.</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Clear takes…</source>
        <translation>Clear takes…</translation>
    </message>
    <message>
        <source>Takes are kept between sessions (in %1) until you clear them.</source>
        <translation>Takes are kept between sessions (in %1) until you clear them.</translation>
    </message>
    <message>
        <source>No audio output device is available; playback is off. Export takes to listen to them elsewhere.</source>
        <translation>No audio output device is available; playback is off. Export takes to listen to them elsewhere.</translation>
    </message>
    <message numerus="yes">
        <source>This model knows %n word(s): %1</source>
        <translation>
            <numerusform>This model knows %n word: %1</numerusform>
            <numerusform>This model knows %n words: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>This take is not kept for the next session: %1</source>
        <translation>This take is not kept for the next session: %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>cannot write %1: %2</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1: cannot be read</translation>
    </message>
    <message>
        <source>%1: not JSON (%2)</source>
        <translation>%1: not JSON (%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Some takes of the last session could not be restored:
%1</source>
        <translation>Some takes of the last session could not be restored:
%1</translation>
    </message>
    <message>
        <source>Takes cleared.</source>
        <translation>Takes cleared.</translation>
    </message>
    <message>
        <source>Clear takes</source>
        <translation>Clear takes</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n take(s) of this session? Takes you have not exported are lost.</source>
        <translation>
            <numerusform>Delete all %n take of this session? Takes you have not exported are lost.</numerusform>
            <numerusform>Delete all %n takes of this session? Takes you have not exported are lost.</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete takes</source>
        <translation>Delete takes</translation>
    </message>
    <message>
        <source>Vocoder</source>
        <translation>Vocoder</translation>
    </message>
    <message>
        <source>The model&apos;s (none: Griffin-Lim)</source>
        <translation>The model&apos;s (none: Griffin-Lim)</translation>
    </message>
    <message>
        <source>The model&apos;s (iSTFT)</source>
        <translation>The model&apos;s (iSTFT)</translation>
    </message>
    <message>
        <source>The model&apos;s (HiFi-GAN)</source>
        <translation>The model&apos;s (HiFi-GAN)</translation>
    </message>
    <message>
        <source>Griffin-Lim (64 iterations)</source>
        <translation>Griffin-Lim (64 iterations)</translation>
    </message>
    <message>
        <source>How the spectrogram becomes audio: the model&apos;s neural vocoder, or Griffin-Lim (slower, smears the attack).</source>
        <translation>How the spectrogram becomes audio: the model&apos;s neural vocoder, or Griffin-Lim (slower, smears the attack).</translation>
    </message>
</context>
<context>
    <name>ms::app::LatentPage</name>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>Cannot load the model: %1</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Opening %1…</translation>
    </message>
    <message>
        <source>Cannot open: %1</source>
        <translation>Cannot open: %1</translation>
    </message>
    <message>
        <source>input: %1</source>
        <translation>input: %1</translation>
    </message>
    <message>
        <source>Encode and decode to see the result</source>
        <translation>Encode and decode to see the result</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1: %2 s</translation>
    </message>
    <message>
        <source>Encoding…</source>
        <translation>Encoding…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Encoding failed: %1</source>
        <translation>Encoding failed: %1</translation>
    </message>
    <message>
        <source>%1 encoded and decoded</source>
        <translation>%1 encoded and decoded</translation>
    </message>
    <message>
        <source>nothing decoded yet</source>
        <translation>nothing decoded yet</translation>
    </message>
    <message>
        <source>A wave VAE package, run or checkpoint</source>
        <translation>A wave VAE package, run or checkpoint</translation>
    </message>
    <message>
        <source>Encode + decode</source>
        <translation>Encode + decode</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Model: %1</translation>
    </message>
    <message>
        <source>No wave VAE model: choose a package or a `train wavevae` run with Model…</source>
        <translation>No wave VAE model: choose a package or a `train wavevae` run with Model…</translation>
    </message>
    <message>
        <source>Open or drop an audio file</source>
        <translation>Open or drop an audio file</translation>
    </message>
    <message>
        <source>Latent: %1 channels x %2 frames (%3 frames/s, %4 kb/s at float16), channel 0 at the top</source>
        <translation>Latent: %1 channels x %2 frames (%3 frames/s, %4 kb/s at float16), channel 0 at the top</translation>
    </message>
    <message>
        <source>decoded: SI-SDR %1 dB, mel distance %2 (mid signal)</source>
        <translation>decoded: SI-SDR %1 dB, mel distance %2 (mid signal)</translation>
    </message>
    <message>
        <source>Latent</source>
        <translation>Latent</translation>
    </message>
</context>
<context>
    <name>ms::app::MainWindow</name>
    <message>
        <source>The translation for %1 could not be loaded.</source>
        <translation>The translation for %1 could not be loaded.</translation>
    </message>
    <message>
        <source>melstudio</source>
        <translation>melstudio</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Generate</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Compare</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Train</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Dataset</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open audio…</source>
        <translation>&amp;Open audio…</translation>
    </message>
    <message>
        <source>&amp;Export selected takes…</source>
        <translation>&amp;Export selected takes…</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generate</translation>
    </message>
    <message>
        <source>Play / stop</source>
        <translation>Play / stop</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About melstudio</source>
        <translation>&amp;About melstudio</translation>
    </message>
    <message>
        <source>A training job is running</source>
        <translation>A training job is running</translation>
    </message>
    <message numerus="yes">
        <source>%n training job(s) are running (%1).

Stop them now (each writes a checkpoint first; Resume continues it later), or keep them running after the studio closes? The studio finds a job that is still running when it starts again, and can stop it then.</source>
        <translation>
            <numerusform>%n training job is running (%1).

Stop it now (it writes a checkpoint first; Resume continues it later), or keep it running after the studio closes? The studio finds a job that is still running when it starts again, and can stop it then.</numerusform>
            <numerusform>%n training jobs are running (%1).

Stop them now (each writes a checkpoint first; Resume continues it later), or keep them running after the studio closes? The studio finds a job that is still running when it starts again, and can stop it then.</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop with a checkpoint</source>
        <translation>Stop with a checkpoint</translation>
    </message>
    <message>
        <source>Keep running</source>
        <translation>Keep running</translation>
    </message>
    <message>
        <source>A training job started earlier is still running (%1): the Train page shows it.</source>
        <translation>A training job started earlier is still running (%1): the Train page shows it.</translation>
    </message>
    <message>
        <source>Latent</source>
        <translation>Latent</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
</context>
<context>
    <name>ms::app::ModelsPage</name>
    <message>
        <source>Open model package</source>
        <translation>Open model package</translation>
    </message>
    <message>
        <source>Reference checkpoint</source>
        <translation>Reference checkpoint</translation>
    </message>
    <message>
        <source>PyTorch checkpoints (*.pt *.pth *.ckpt);;All files (*)</source>
        <translation>PyTorch checkpoints (*.pt *.pth *.ckpt);;All files (*)</translation>
    </message>
    <message>
        <source>Model package folder (model.json + .safetensors)</source>
        <translation>Model package folder (model.json + .safetensors)</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Open…</translation>
    </message>
    <message>
        <source>Use for generation</source>
        <translation>Use for generation</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architecture</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Import a reference checkpoint</source>
        <translation>Import a reference checkpoint</translation>
    </message>
    <message>
        <source>output package folder</source>
        <translation>output package folder</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Open a model package to see its modules and parameter counts.</source>
        <translation>Open a model package to see its modules and parameter counts.</translation>
    </message>
    <message>
        <source>Reading %1 (%2 on disk, device %3)…</source>
        <translation>Reading %1 (%2 on disk, device %3)…</translation>
    </message>
    <message>
        <source>melstudio-cli params failed: %1</source>
        <translation>melstudio-cli params failed: %1</translation>
    </message>
    <message>
        <source>%1 parameters in %2 modules; %3 on disk; device %4</source>
        <translation>%1 parameters in %2 modules; %3 on disk; device %4</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>Cannot run %1: %2</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>Imported into %1.</source>
        <translation>Imported into %1.</translation>
    </message>
    <message>
        <source>Import failed (exit code %1); see the report below.</source>
        <translation>Import failed (exit code %1); see the report below.</translation>
    </message>
    <message>
        <source>VAE checkpoint (vae_epoch_100.pt)</source>
        <translation>VAE checkpoint (vae_epoch_100.pt)</translation>
    </message>
    <message>
        <source>diffusion checkpoint (diffusion_step_100000.pt)</source>
        <translation>diffusion checkpoint (diffusion_step_100000.pt)</translation>
    </message>
    <message>
        <source>vocoder checkpoint (optional)</source>
        <translation>vocoder checkpoint (optional)</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Component</translation>
    </message>
    <message>
        <source>Key or result</source>
        <translation>Key or result</translation>
    </message>
    <message>
        <source>Choose the VAE and diffusion checkpoints and an output folder.</source>
        <translation>Choose the VAE and diffusion checkpoints and an output folder.</translation>
    </message>
    <message>
        <source>Module / stage</source>
        <translation>Module / stage</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Input</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Output</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>warning</translation>
    </message>
    <message>
        <source>assumed</source>
        <translation>assumed</translation>
    </message>
    <message>
        <source>Read the model card</source>
        <translation>Read the model card</translation>
    </message>
    <message>
        <source>The package&apos;s CARD.md: data, recipe and measurements</source>
        <translation>The package&apos;s CARD.md: data, recipe and measurements</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>%1 is too large to show here (%2).</source>
        <translation>%1 is too large to show here (%2).</translation>
    </message>
</context>
<context>
    <name>ms::app::TokenizerPage</name>
    <message>
        <source>Written to %1</source>
        <translation>Written to %1</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>Cannot export: %1</translation>
    </message>
    <message>
        <source>Export tokens</source>
        <translation>Export tokens</translation>
    </message>
    <message>
        <source>Token files (*.tokens.safetensors)</source>
        <translation>Token files (*.tokens.safetensors)</translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>Cannot load the model: %1</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Opening %1…</translation>
    </message>
    <message>
        <source>Cannot open: %1</source>
        <translation>Cannot open: %1</translation>
    </message>
    <message>
        <source>input: %1 (16 kHz mono, dB mel)</source>
        <translation>input: %1 (16 kHz mono, dB mel)</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1: %2 s</translation>
    </message>
    <message>
        <source>Tokenizing…</source>
        <translation>Tokenizing…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Tokenizing failed: %1</source>
        <translation>Tokenizing failed: %1</translation>
    </message>
    <message>
        <source>%1 tokenized and decoded</source>
        <translation>%1 tokenized and decoded</translation>
    </message>
    <message>
        <source>nothing decoded yet</source>
        <translation>nothing decoded yet</translation>
    </message>
    <message>
        <source>nothing tokenized yet</source>
        <translation>nothing tokenized yet</translation>
    </message>
    <message>
        <source>A tokenizer package, run or checkpoint</source>
        <translation>A tokenizer package, run or checkpoint</translation>
    </message>
    <message>
        <source>Tokenize + decode</source>
        <translation>Tokenize + decode</translation>
    </message>
    <message>
        <source>Export tokens…</source>
        <translation>Export tokens…</translation>
    </message>
    <message>
        <source>Model: %1 — %2-bit tokens, %3 tokens/s, %4 bit/s</source>
        <translation>Model: %1 — %2-bit tokens, %3 tokens/s, %4 bit/s</translation>
    </message>
    <message>
        <source>No tokenizer model: choose a package or a `train tokenizer` run with Model…</source>
        <translation>No tokenizer model: choose a package or a `train tokenizer` run with Model…</translation>
    </message>
    <message>
        <source>Open or drop an audio file</source>
        <translation>Open or drop an audio file</translation>
    </message>
    <message>
        <source>Tokenize and decode to see the result</source>
        <translation>Tokenize and decode to see the result</translation>
    </message>
    <message>
        <source>Difference (decoded - input)</source>
        <translation>Difference (decoded - input)</translation>
    </message>
    <message>
        <source>%1 bit-planes over the %2 x %3 patch grid of each 10.24 s window (windows: %4; bit 0, the most significant, at the top; light = +1)</source>
        <translation>%1 bit-planes over the %2 x %3 patch grid of each 10.24 s window (windows: %4; bit 0, the most significant, at the top; light = +1)</translation>
    </message>
    <message>
        <source>Token ids over time (one row per frequency patch): %1 tokens, %2 distinct ids, %3 bits per token of %4</source>
        <translation>Token ids over time (one row per frequency patch): %1 tokens, %2 distinct ids, %3 bits per token of %4</translation>
    </message>
    <message>
        <source>decoded: mel MSE %1 dB², MAE %2 dB</source>
        <translation>decoded: mel MSE %1 dB², MAE %2 dB</translation>
    </message>
    <message>
        <source>difference (decoded - input), ±30 dB</source>
        <translation>difference (decoded - input), ±30 dB</translation>
    </message>
    <message>
        <source>Bit-planes</source>
        <translation>Bit-planes</translation>
    </message>
    <message>
        <source>Token ids</source>
        <translation>Token ids</translation>
    </message>
</context>
<context>
    <name>ms::app::TrainPage</name>
    <message>
        <source>Dataset folder</source>
        <translation>Dataset folder</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>Run folder</translation>
    </message>
    <message>
        <source>Open a run folder</source>
        <translation>Open a run folder</translation>
    </message>
    <message>
        <source>Training job</source>
        <translation>Training job</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Dataset</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Preset</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Open an existing run…</source>
        <translation>Open an existing run…</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>Checkpoints</translation>
    </message>
    <message>
        <source>Use for generation</source>
        <translation>Use for generation</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>log y</source>
        <translation>log y</translation>
    </message>
    <message>
        <source>smoothing</source>
        <translation>smoothing</translation>
    </message>
    <message>
        <source>No run is open. Start a job or open a run folder.</source>
        <translation>No run is open. Start a job or open a run folder.</translation>
    </message>
    <message>
        <source>Waiting for metrics…</source>
        <translation>Waiting for metrics…</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>Cannot start %1: %2</translation>
    </message>
    <message>
        <source>Running: melstudio-cli %1 (pid %2)</source>
        <translation>Running: melstudio-cli %1 (pid %2)</translation>
    </message>
    <message>
        <source>Stopping: the job writes a checkpoint, then exits.</source>
        <translation>Stopping: the job writes a checkpoint, then exits.</translation>
    </message>
    <message>
        <source>Watching %1</source>
        <translation>Watching %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;step&lt;/b&gt; %1 / %2 &amp;nbsp; &lt;b&gt;lr&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;samples/s&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;ETA&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;memory&lt;/b&gt; %6 MB</source>
        <translation>&lt;b&gt;step&lt;/b&gt; %1 / %2 &amp;nbsp; &lt;b&gt;lr&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;samples/s&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;ETA&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;memory&lt;/b&gt; %6 MB</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>step %1</translation>
    </message>
    <message>
        <source>Paused at the last checkpoint. Press Resume to continue.</source>
        <translation>Paused at the last checkpoint. Press Resume to continue.</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>Finished.</translation>
    </message>
    <message>
        <source>The training job stopped unexpectedly. Its last log lines are below.</source>
        <translation>The training job stopped unexpectedly. Its last log lines are below.</translation>
    </message>
    <message>
        <source>The training job failed: %1</source>
        <translation>The training job failed: %1</translation>
    </message>
    <message>
        <source>Select a checkpoint first.</source>
        <translation>Select a checkpoint first.</translation>
    </message>
    <message>
        <source>Recipe options</source>
        <translation>Recipe options</translation>
    </message>
    <message>
        <source>e.g. --batch 16 --lr 2e-4 --checkpoint-every 500</source>
        <translation>e.g. --batch 16 --lr 2e-4 --checkpoint-every 500</translation>
    </message>
    <message>
        <source>Extra flags for melstudio-cli train (see melstudio-cli train --help)</source>
        <translation>Extra flags for melstudio-cli train (see melstudio-cli train --help)</translation>
    </message>
    <message>
        <source>Assembling a model package from step %1…</source>
        <translation>Assembling a model package from step %1…</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export failed: %1</translation>
    </message>
    <message>
        <source>Package written to %1</source>
        <translation>Package written to %1</translation>
    </message>
    <message>
        <source>Cannot run %1: %2</source>
        <translation>Cannot run %1: %2</translation>
    </message>
    <message>
        <source> &amp;nbsp; &lt;b&gt;GPU&lt;/b&gt; %1 MB (peak %2 MB)</source>
        <translation> &amp;nbsp; &lt;b&gt;GPU&lt;/b&gt; %1 MB (peak %2 MB)</translation>
    </message>
    <message>
        <source>melstudio-cli refused the job: %1</source>
        <translation>melstudio-cli refused the job: %1</translation>
    </message>
    <message>
        <source>A VAE run folder or a model package</source>
        <translation>A VAE run folder or a model package</translation>
    </message>
    <message>
        <source>Training steps (—: the preset&apos;s default: tiny 500 steps, paper the recipe&apos;s length)</source>
        <translation>Training steps (—: the preset&apos;s default: tiny 500 steps, paper the recipe&apos;s length)</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>The trained VAE whose latents the diffusion model learns: a VAE run folder (its newest checkpoint) or a model package. Train a VAE run first.</source>
        <translation>The trained VAE whose latents the diffusion model learns: a VAE run folder (its newest checkpoint) or a model package. Train a VAE run first.</translation>
    </message>
    <message>
        <source>no VAE run found: train a VAE first</source>
        <translation>no VAE run found: train a VAE first</translation>
    </message>
    <message>
        <source>A diffusion checkpoint: packaged with its VAE and opened on the Generate page. A VAE checkpoint: sets the form to train a diffusion model on it.</source>
        <translation>A diffusion checkpoint: packaged with its VAE and opened on the Generate page. A VAE checkpoint: sets the form to train a diffusion model on it.</translation>
    </message>
    <message>
        <source>Export package…</source>
        <translation>Export package…</translation>
    </message>
    <message>
        <source>Write the selected diffusion checkpoint, with its VAE, as a model package folder</source>
        <translation>Write the selected diffusion checkpoint, with its VAE, as a model package folder</translation>
    </message>
    <message>
        <source>A training job is already running (pid %1, run folder %2). Stop it first.</source>
        <translation>A training job is already running (pid %1, run folder %2). Stop it first.</translation>
    </message>
    <message>
        <source>Choose a run folder first.</source>
        <translation>Choose a run folder first.</translation>
    </message>
    <message>
        <source>A training job is already running in %1 (pid %2). Stop it first.</source>
        <translation>A training job is already running in %1 (pid %2). Stop it first.</translation>
    </message>
    <message>
        <source>%1 is not a run folder (it has no run.json): there is nothing to resume. Press Start to begin a run there.</source>
        <translation>%1 is not a run folder (it has no run.json): there is nothing to resume. Press Start to begin a run there.</translation>
    </message>
    <message>
        <source>Choose a dataset folder first (one made on the Dataset page).</source>
        <translation>Choose a dataset folder first (one made on the Dataset page).</translation>
    </message>
    <message>
        <source>%1 is not a preprocessed dataset (no index.json in it or in processed/). Aggregate and preprocess it on the Dataset page first.</source>
        <translation>%1 is not a preprocessed dataset (no index.json in it or in processed/). Aggregate and preprocess it on the Dataset page first.</translation>
    </message>
    <message>
        <source>A diffusion run needs a trained VAE: choose one in the VAE list (train a VAE run first).</source>
        <translation>A diffusion run needs a trained VAE: choose one in the VAE list (train a VAE run first).</translation>
    </message>
    <message>
        <source>Cannot create the run folder %1.</source>
        <translation>Cannot create the run folder %1.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. A studio opened later will not find this job.</source>
        <translation>Cannot write %1: %2. A studio opened later will not find this job.</translation>
    </message>
    <message>
        <source>No training job is running in the run being watched.</source>
        <translation>No training job is running in the run being watched.</translation>
    </message>
    <message numerus="yes">
        <source>%n more training job(s) are running; open their run folders to watch them: %1</source>
        <translation>
            <numerusform>%n more training job is running; open its run folder to watch it: %1</numerusform>
            <numerusform>%n more training jobs are running; open their run folders to watch them: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>A training job is running in %1 (pid %2, started %3). Watching it; Stop asks it to write a checkpoint and exit.</source>
        <translation>A training job is running in %1 (pid %2, started %3). Watching it; Stop asks it to write a checkpoint and exit.</translation>
    </message>
    <message>
        <source>%1 — VAE run, %2 preset, step %3</source>
        <translation>%1 — VAE run, %2 preset, step %3</translation>
    </message>
    <message>
        <source>%1 — model package</source>
        <translation>%1 — model package</translation>
    </message>
    <message>
        <source>A VAE alone does not generate kicks: next, a diffusion model learns to make its latents. The form is set to train one on this VAE (step %1) and the same dataset; press Start.</source>
        <translation>A VAE alone does not generate kicks: next, a diffusion model learns to make its latents. The form is set to train one on this VAE (step %1) and the same dataset; press Start.</translation>
    </message>
    <message>
        <source>A %1 checkpoint does not generate on its own: select a checkpoint of a diffusion run (it is packaged with its VAE).</source>
        <translation>A %1 checkpoint does not generate on its own: select a checkpoint of a diffusion run (it is packaged with its VAE).</translation>
    </message>
    <message>
        <source>component</source>
        <translation>component</translation>
    </message>
    <message>
        <source>Export a model package (a folder)</source>
        <translation>Export a model package (a folder)</translation>
    </message>
    <message>
        <source>%1 already holds a run: press Resume to continue it, or choose another run folder (for example %2).</source>
        <translation>%1 already holds a run: press Resume to continue it, or choose another run folder (for example %2).</translation>
    </message>
    <message>
        <source> &amp;nbsp; &lt;b&gt;ranks&lt;/b&gt; %1 (samples/s per rank: %2)</source>
        <translation> &amp;nbsp; &lt;b&gt;ranks&lt;/b&gt; %1 (samples/s per rank: %2)</translation>
    </message>
    <message>
        <source>%1 is not a folder: the %2 trains on a folder of audio files.</source>
        <translation>%1 is not a folder: the %2 trains on a folder of audio files.</translation>
    </message>
    <message>
        <source>Select a checkpoint of a diffusion, wave VAE or tokenizer run to export it as a model package.</source>
        <translation>Select a checkpoint of a diffusion, wave VAE or tokenizer run to export it as a model package.</translation>
    </message>
    <message>
        <source>%1 is not a diffusion, wave VAE or tokenizer checkpoint: only those become model packages.</source>
        <translation>%1 is not a diffusion, wave VAE or tokenizer checkpoint: only those become model packages.</translation>
    </message>
</context>
<context>
    <name>ms::app::TrainPreview</name>
    <message>
        <source>Preview at step %1: target (left) and model output (right)</source>
        <translation>Preview at step %1: target (left) and model output (right)</translation>
    </message>
    <message>
        <source>Preview: target (left) and model output (right)</source>
        <translation>Preview: target (left) and model output (right)</translation>
    </message>
    <message>
        <source>Target mel</source>
        <translation>Target mel</translation>
    </message>
    <message>
        <source>Model output</source>
        <translation>Model output</translation>
    </message>
    <message>
        <source>Stop (Space)</source>
        <translation>Stop (Space)</translation>
    </message>
    <message>
        <source>Play preview (Space)</source>
        <translation>Play preview (Space)</translation>
    </message>
    <message>
        <source>Latent of the target: %1 channels × %2 frames (channel 0 at the top; blue negative, red positive)</source>
        <translation>Latent of the target: %1 channels × %2 frames (channel 0 at the top; blue negative, red positive)</translation>
    </message>
    <message>
        <source>target: %1</source>
        <translation>target: %1</translation>
    </message>
    <message>
        <source>output: %1</source>
        <translation>output: %1</translation>
    </message>
</context>
<context>
    <name>ms::widgets::LatentGrid</name>
    <message>
        <source>Latent (4 × 8 × 11) appears here while generating</source>
        <translation>Latent (4 × 8 × 11) appears here while generating</translation>
    </message>
    <message>
        <source>ch %1</source>
        <translation>ch %1</translation>
    </message>
    <message>
        <source>step %1/%2</source>
        <translation>step %1/%2</translation>
    </message>
</context>
<context>
    <name>ms::widgets::LossPlot</name>
    <message>
        <source>step</source>
        <translation>step</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>loss</translation>
    </message>
</context>
<context>
    <name>ms::widgets::Player</name>
    <message>
        <source>No audio output device is available; playback is off.</source>
        <translation>No audio output device is available; playback is off.</translation>
    </message>
    <message>
        <source>Cannot resample for playback: %1</source>
        <translation>Cannot resample for playback: %1</translation>
    </message>
    <message>
        <source>The audio device could not be opened.</source>
        <translation>The audio device could not be opened.</translation>
    </message>
    <message>
        <source>Audio playback failed.</source>
        <translation>Audio playback failed.</translation>
    </message>
</context>
<context>
    <name>ms::widgets::SpectrogramView</name>
    <message>
        <source>(end of clip)</source>
        <translation>(end of clip)</translation>
    </message>
    <message>
        <source>cutoff %1 Hz</source>
        <translation>cutoff %1 Hz</translation>
    </message>
</context>
<context>
    <name>ms::widgets::SpectrumPlot</name>
    <message>
        <source>frequency (Hz)</source>
        <translation>frequency (Hz)</translation>
    </message>
    <message>
        <source>level (dB)</source>
        <translation>level (dB)</translation>
    </message>
</context>
</TS>
