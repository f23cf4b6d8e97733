// libFuzzer entry for one reader; FUZZ_TARGET names it (tools/fuzz.sh builds one binary per reader).
#include "FuzzTargets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return ms::fuzz::FUZZ_TARGET(data, size); }
