// Non-Linux builds: an empty module. The TypeScript side throws NotSupportedError before it
// would touch the addon, so this only keeps `node-gyp rebuild` from failing elsewhere.
#include <napi.h>

static Napi::Object InitModule(Napi::Env /*env*/, Napi::Object exports) { return exports; }

NODE_API_MODULE(packet_socket, InitModule)
