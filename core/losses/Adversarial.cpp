#include "losses/Adversarial.h"

namespace ms::losses {

std::pair<DiscOutput, DiscOutput> splitBatch(const DiscOutput &o, int64_t B) {
    DiscOutput a, b;
    for (const auto &l : o.logits) {
        a.logits.push_back(l.narrow(0, 0, B));
        b.logits.push_back(l.narrow(0, B, l.size(0) - B));
    }
    for (const auto &fs : o.features) {
        a.features.emplace_back();
        b.features.emplace_back();
        for (const auto &f : fs) {
            a.features.back().push_back(f.narrow(0, 0, B));
            b.features.back().push_back(f.narrow(0, B, f.size(0) - B));
        }
    }
    return {a, b};
}

torch::Tensor lsganDiscriminatorLoss(const DiscOutput &realOut, const DiscOutput &fakeOut) {
    torch::Tensor loss = torch::zeros({}, realOut.logits.at(0).options());
    for (size_t i = 0; i < realOut.logits.size(); ++i)
        loss = loss + torch::mean(torch::pow(1.0 - realOut.logits[i], 2)) + torch::mean(torch::pow(fakeOut.logits[i], 2));
    return loss;
}

torch::Tensor lsganGeneratorLoss(const DiscOutput &fakeOut) {
    torch::Tensor loss = torch::zeros({}, fakeOut.logits.at(0).options());
    for (const auto &f : fakeOut.logits) loss = loss + torch::mean(torch::pow(1.0 - f, 2));
    return loss;
}

torch::Tensor hingeDiscriminatorLoss(const DiscOutput &realOut, const DiscOutput &fakeOut) {
    torch::Tensor loss = torch::zeros({}, realOut.logits.at(0).options());
    for (size_t i = 0; i < realOut.logits.size(); ++i)
        loss = loss + torch::relu(1.0 - realOut.logits[i]).mean() + torch::relu(1.0 + fakeOut.logits[i]).mean();
    return loss;
}

torch::Tensor hingeGeneratorLoss(const DiscOutput &fakeOut) {
    torch::Tensor loss = torch::zeros({}, fakeOut.logits.at(0).options());
    for (const auto &f : fakeOut.logits) loss = loss + torch::relu(1.0 - f).mean();
    return loss;
}

torch::Tensor featureMatchingLoss(const DiscOutput &realOut, const DiscOutput &fakeOut) {
    torch::Tensor loss = torch::zeros({}, fakeOut.logits.at(0).options());
    for (size_t i = 0; i < realOut.features.size(); ++i)
        for (size_t j = 0; j < realOut.features[i].size(); ++j)
            loss = loss + torch::mean(torch::abs(realOut.features[i][j].detach() - fakeOut.features[i][j]));
    return loss;
}

} // namespace ms::losses
