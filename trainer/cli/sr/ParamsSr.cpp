#include "cli/sr/ParamsSr.h"

#include "io/Json.h"
#include "models/sr/Modules.h"

#include <cstdio>
#include <filesystem>

namespace ms::cli::sr {

namespace {

struct DocFigure {
    const char *prefix;
    long long document;   // design document 000's figure (0: none)
    const char *why;
};

// What document 000 says, and why the built modules differ.
const DocFigure kDoc[] = {
    {"model.diffusion_model.", 64876712,
     "the document estimates ~5 M per 640-wide ResBlock and one transformer per site; AudioSR's UNet "
     "(its log: \"DiffusionWrapper has 258.20 M params\") has two self-attention SpatialTransformers per "
     "attention site (extra_sa_layer) with GEGLU feed-forwards (8C x C in, 4C x C out) and ResBlocks over "
     "concatenated skips up to 1280 channels"},
    {"first_stage_model.encoder.", 50000000,
     "the document guesses 50 M; the 1024-wide deepest level (2 ResBlocks), the 1024-wide middle block with "
     "attention and conv_out to 32 channels give 90.0 M"},
    {"first_stage_model.decoder.", 50000000,
     "the decoder has 3 ResBlocks per level (num_res_blocks + 1), not 2: 133.5 M"},
    {"first_stage_model.*quant_conv.", 1328, "as the document says (1,056 + 272)"},
    {"first_stage_model.vocoder.", 39317489,
     "the document counts ~3.5 M per 768-wide ResBlock; each holds 6 convolutions of 768 x 768 x k with "
     "k = 3, 7, 11, 15, so the first stage's four alone are ~127 M; 190.3 M in all"},
    {"cond_stage_models.0.vae.", 0,
     "AudioSR's second VAE encodes the low-pass condition (its encoder and quant_conv are built; its "
     "decoder and vocoder are stored in checkpoints but never run)"},
    {"global_encoder.", 3232312,
     "the document's third conv block says height 8 and a 2048-wide projection; its own kernel, stride and "
     "padding give 256 -> 64 -> 32 -> 16, so the projection is 4096 x 256 (+524,288); its CNN sum is also "
     "misadded (its terms give 747,552, not 746,552)"},
    {"model.diffusion_model.*.global_{proj,attn}.", 14313024,
     "the document assumes 18 transformers all 256 wide and adds the parent transformer's estimate; AudioSR "
     "has 32 SpatialTransformers at widths 256, 384 and 640, and only global_proj + global_attn are new"},
};

const DocFigure *docFor(const std::string &prefix) {
    for (const auto &d : kDoc)
        if (prefix == d.prefix) return &d;
    return nullptr;
}

std::string jsonString(const std::string &s) { return nlohmann::json(s).dump(); }

} // namespace

int printParams(const std::string &source, bool json, bool keys, bool global) {
    namespace msr = ms::models::sr;
    msr::SrModelConfig cfg;
    try {
        if (std::filesystem::is_directory(source)) {
            auto j = io::readJsonFile(source + "/model.json");
            if (!j) {
                std::fprintf(stderr, "params: %s\n", j.error().c_str());
                return 1;
            }
            cfg = msr::SrModelConfig::fromJson(j->at("components"));
        } else {
            cfg = msr::SrModelConfig::preset(source);
        }
        if (!global) cfg.global.enabled = false;
        msr::SrModel m(cfg);
        if (keys) {
            auto line = [](const std::string &name, const torch::Tensor &t) {
                std::string shape = "[";
                for (int64_t i = 0; i < t.dim(); ++i) shape += (i ? "," : "") + std::to_string(t.size(i));
                std::printf("{\"name\":%s,\"shape\":%s]}\n", jsonString(name).c_str(), shape.c_str());
            };
            for (const auto &p : m->named_parameters()) line(p.key(), p.value());
            for (const auto &b : m->named_buffers()) line(b.key(), b.value());
            return 0;
        }
        const auto parts = msr::countParts(*m);
        long long total = 0;
        for (const auto &p : parts) total += p.parameters;
        if (json) {
            for (const auto &p : parts) {
                const auto *d = docFor(p.prefix);
                std::printf("{\"module\":%s,\"prefix\":%s,\"params\":%lld,\"tensors\":%lld,\"document\":%lld}\n",
                            jsonString(p.name).c_str(), jsonString(p.prefix).c_str(), (long long)p.parameters,
                            (long long)p.tensors, d ? d->document : 0LL);
            }
            std::printf("{\"module\":\"total\",\"params\":%lld,\"document\":207427841}\n", total);
            return 0;
        }
        std::printf("super-resolution (AudioSR + document 000's global encoder), preset %s, global parts %s\n",
                    cfg.presetName.c_str(), cfg.global.enabled ? "on" : "off");
        std::printf("  %-40s %14s %14s\n", "part (key prefix)", "built", "document 000");
        for (const auto &p : parts) {
            const auto *d = docFor(p.prefix);
            std::printf("  %-40s %14lld %14s\n", p.name.c_str(), (long long)p.parameters,
                        d && d->document ? std::to_string(d->document).c_str() : "-");
        }
        std::printf("  %-40s %14lld %14s\n", "total", total, "207427841");
        if (cfg.presetName == "audiosr") {
            std::printf("\nwhy they differ:\n");
            for (const auto &p : parts)
                if (const auto *d = docFor(p.prefix)) std::printf("  %s: %s\n", p.name.c_str(), d->why);
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "params: %s\n", e.what());
        return 2;
    }
}

} // namespace ms::cli::sr
