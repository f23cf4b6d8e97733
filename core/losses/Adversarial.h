#pragma once
// GAN losses the vocoders and any adversarially trained family share: LS-GAN
// (HiFi-GAN), hinge (Vocos, UnivNet, DAC) and feature matching, over the
// outputs of a set of sub-discriminators.

#include "torch/Torch.h"

#include <utility>
#include <vector>

namespace ms::losses {

struct DiscOutput {
    std::vector<torch::Tensor> logits;                  // one [B, n] per sub-discriminator
    std::vector<std::vector<torch::Tensor>> features;   // per sub-discriminator, per layer
};

// The first B rows and the rest of an output computed on a concatenated [2B, ...] batch.
std::pair<DiscOutput, DiscOutput> splitBatch(const DiscOutput &o, int64_t B);

// LS-GAN: sum over sub-discriminators of mean((1 - real)^2) + mean(fake^2).
torch::Tensor lsganDiscriminatorLoss(const DiscOutput &realOut, const DiscOutput &fakeOut);
// LS-GAN generator term: sum of mean((1 - fake)^2).
torch::Tensor lsganGeneratorLoss(const DiscOutput &fakeOut);
// Hinge: sum over sub-discriminators of mean(relu(1 - real)) + mean(relu(1 + fake)).
torch::Tensor hingeDiscriminatorLoss(const DiscOutput &realOut, const DiscOutput &fakeOut);
// Hinge generator term: sum of mean(relu(1 - fake)).
torch::Tensor hingeGeneratorLoss(const DiscOutput &fakeOut);
// Sum over sub-discriminators and layers of mean |real - fake| (real detached).
torch::Tensor featureMatchingLoss(const DiscOutput &realOut, const DiscOutput &fakeOut);

} // namespace ms::losses
