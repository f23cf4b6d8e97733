#include "models/vocoder/Generator.h"

#include "models/vocoder/HifiGan.h"
#include "models/vocoder/Vocos.h"

#include <stdexcept>

namespace ms::models::vocoder {

Generator makeGenerator(const VocoderConfig &cfg) {
    if (cfg.istft()) return Generator(std::shared_ptr<GeneratorImpl>(Vocos(cfg).ptr()));
    if (cfg.arch == "hifigan") return Generator(std::shared_ptr<GeneratorImpl>(HifiGanGenerator(cfg).ptr()));
    throw std::invalid_argument("unknown vocoder arch '" + cfg.arch + "' (hifigan, istft)");
}

} // namespace ms::models::vocoder
