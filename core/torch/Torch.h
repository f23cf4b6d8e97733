#pragma once
// The one way to include LibTorch. Qt's `slots` macro collides with ATen's
// `slots()` method, so it is hidden while the torch headers are read.

#pragma push_macro("slots")
#undef slots
#include <torch/torch.h>
#pragma pop_macro("slots")
