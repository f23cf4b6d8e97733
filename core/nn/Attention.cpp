// Shared attention blocks (see Attention.h).
#include "nn/Attention.h"

#include <cmath>
#include <stdexcept>

namespace ms::nn {

torch::Tensor scaledDotAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                 double scale) {
    auto w = torch::matmul(q, k.transpose(-1, -2)).mul_(scale);
    return torch::matmul(w.softmax(-1), v);
}

namespace {
// [B,N,H*D] -> [B,H,N,D]
torch::Tensor splitHeads(const torch::Tensor &x, int64_t heads) {
    return x.view({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}
// [B,H,N,D] -> [B,N,H*D]
torch::Tensor mergeHeads(const torch::Tensor &x) {
    return x.transpose(1, 2).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}
} // namespace

MultiheadAttentionImpl::MultiheadAttentionImpl(int64_t embedDim, int64_t heads) : m_embed(embedDim), m_heads(heads) {
    if (heads <= 0 || embedDim % heads != 0)
        throw std::invalid_argument("MultiheadAttention: embed dim " + std::to_string(embedDim) +
                                    " is not divisible by " + std::to_string(heads) + " heads");
    // PyTorch: xavier_uniform_ in-projection, zero biases, Linear out-projection with zero bias.
    in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * embedDim, embedDim}));
    torch::nn::init::xavier_uniform_(in_proj_weight);
    in_proj_bias = register_parameter("in_proj_bias", torch::zeros({3 * embedDim}));
    out_proj = register_module("out_proj", torch::nn::Linear(embedDim, embedDim));
    torch::nn::init::zeros_(out_proj->bias);
}

torch::Tensor MultiheadAttentionImpl::forward(const torch::Tensor &query, const torch::Tensor &key,
                                              const torch::Tensor &value) {
    auto w = in_proj_weight.chunk(3, 0);
    auto b = in_proj_bias.chunk(3, 0);
    auto q = splitHeads(torch::nn::functional::linear(query, w[0], b[0]), m_heads);
    auto k = splitHeads(torch::nn::functional::linear(key, w[1], b[1]), m_heads);
    auto v = splitHeads(torch::nn::functional::linear(value, w[2], b[2]), m_heads);
    auto o = scaledDotAttention(q, k, v, 1.0 / std::sqrt(double(m_embed / m_heads)));
    return out_proj->forward(mergeHeads(o));
}

torch::Tensor MultiheadAttentionImpl::singleTokenOutput(const torch::Tensor &kv) {
    auto w = in_proj_weight.chunk(3, 0);
    auto b = in_proj_bias.chunk(3, 0);
    return out_proj->forward(torch::nn::functional::linear(kv, w[2], b[2]));
}

CrossAttentionImpl::CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim)
    : m_heads(heads), m_headDim(headDim) {
    const int64_t inner = heads * headDim;
    to_q = register_module("to_q", torch::nn::Linear(torch::nn::LinearOptions(queryDim, inner).bias(false)));
    to_k = register_module("to_k", torch::nn::Linear(torch::nn::LinearOptions(contextDim, inner).bias(false)));
    to_v = register_module("to_v", torch::nn::Linear(torch::nn::LinearOptions(contextDim, inner).bias(false)));
    to_out = register_module("to_out", torch::nn::Sequential(torch::nn::Linear(inner, queryDim), torch::nn::Dropout(0.0)));
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor &x, const torch::Tensor &context) {
    const auto &c = context.defined() ? context : x;
    auto q = splitHeads(to_q->forward(x), m_heads);
    auto k = splitHeads(to_k->forward(c), m_heads);
    auto v = splitHeads(to_v->forward(c), m_heads);
    auto o = scaledDotAttention(q, k, v, 1.0 / std::sqrt(double(m_headDim)));
    return to_out->forward(mergeHeads(o));
}

TransformerEncoderLayerImpl::TransformerEncoderLayerImpl(int64_t dModel, int64_t heads, int64_t feedForward,
                                                         double p) {
    self_attn = register_module("self_attn", MultiheadAttention(dModel, heads));
    linear1 = register_module("linear1", torch::nn::Linear(dModel, feedForward));
    dropout = register_module("dropout", torch::nn::Dropout(p));
    linear2 = register_module("linear2", torch::nn::Linear(feedForward, dModel));
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dModel}).eps(1e-5)));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dModel}).eps(1e-5)));
    dropout1 = register_module("dropout1", torch::nn::Dropout(p));
    dropout2 = register_module("dropout2", torch::nn::Dropout(p));
}

torch::Tensor TransformerEncoderLayerImpl::forward(torch::Tensor x) {
    x = norm1->forward(x + dropout1->forward(self_attn->forward(x, x, x)));
    auto ff = linear2->forward(dropout->forward(torch::relu(linear1->forward(x))));
    return norm2->forward(x + dropout2->forward(ff));
}

ConvolutionModuleImpl::ConvolutionModuleImpl(int64_t d, int64_t k) {
    namespace tn = torch::nn;
    layer_norm = register_module("layer_norm", tn::LayerNorm(tn::LayerNormOptions({d})));
    pointwise_conv1 = register_module("pointwise_conv1", tn::Conv1d(tn::Conv1dOptions(d, 2 * d, 1)));
    depthwise_conv = register_module("depthwise_conv", tn::Conv1d(tn::Conv1dOptions(d, d, k).padding((k - 1) / 2).groups(d)));
    batch_norm = register_module("batch_norm", tn::BatchNorm1d(d));
    pointwise_conv2 = register_module("pointwise_conv2", tn::Conv1d(tn::Conv1dOptions(d, d, 1)));
}

torch::Tensor ConvolutionModuleImpl::forward(const torch::Tensor &x) {
    auto h = layer_norm->forward(x).transpose(1, 2);
    h = torch::glu(pointwise_conv1->forward(h), 1);
    h = torch::silu(batch_norm->forward(depthwise_conv->forward(h)));
    return pointwise_conv2->forward(h).transpose(1, 2);
}

VitBlockImpl::VitBlockImpl(int64_t d, int64_t heads, double mlpRatio, int64_t convKernel) {
    namespace tn = torch::nn;
    const int64_t hidden = int64_t(double(d) * mlpRatio);
    ln_1 = register_module("ln_1", tn::LayerNorm(tn::LayerNormOptions({d})));
    attn = register_module("attn", MultiheadAttention(d, heads));
    if (convKernel > 0) {
        ln_conv = register_module("ln_conv", tn::LayerNorm(tn::LayerNormOptions({d})));
        conv_module = register_module("conv_module", ConvolutionModule(d, convKernel));
    }
    ln_2 = register_module("ln_2", tn::LayerNorm(tn::LayerNormOptions({d})));
    tn::Sequential m;
    m->push_back("c_fc", tn::Linear(d, hidden));
    m->push_back("gelu", tn::GELU());
    m->push_back("c_proj", tn::Linear(hidden, d));
    mlp = register_module("mlp", m);
    torch::NoGradGuard ng;
    for (auto &p : named_parameters(true)) {
        const std::string &n = p.key();
        if (n.find("ln") != std::string::npos || n.find("batch_norm") != std::string::npos ||
            n.find("layer_norm") != std::string::npos)
            continue;
        if (n.size() >= 4 && n.compare(n.size() - 4, 4, "bias") == 0) p.value().zero_();
        else p.value().normal_(0.0, 0.02);
    }
}

torch::Tensor VitBlockImpl::forward(torch::Tensor x) {
    auto h = ln_1->forward(x);
    x = x + attn->forward(h, h, h);
    if (conv_module) x = x + conv_module->forward(ln_conv->forward(x));
    return x + mlp->forward(ln_2->forward(x));
}

} // namespace ms::nn
