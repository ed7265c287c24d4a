// Per-environment addon state. The addon is loaded once per thread (main and
// each worker); everything it keeps lives here, in instance data, never in
// statics (the log registry is the one documented exception).
#pragma once

#include <napi.h>

#include "storage_failure.h"

namespace samsa {

class SamsaAddon : public Napi::Addon<SamsaAddon> {
 public:
  SamsaAddon(Napi::Env env, Napi::Object exports);

  // The StorageError class from native/errors.ts, so errors arrive typed.
  Napi::FunctionReference errorClass;
  Napi::FunctionReference logClass;

 private:
  Napi::Value SetErrorClass(const Napi::CallbackInfo& info);
};

// Throws `failure` into JS as a StorageError (or a plain Error with .code
// before the class is registered).
[[noreturn]] void throwStorageError(Napi::Env env, const StorageFailure& failure);
[[noreturn]] void throwInvalidArgument(Napi::Env env, const std::string& message);

// Runs `body`, turning engine failures into typed JS errors.
template <typename F>
auto guarded(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const StorageFailure& f) {
    throwStorageError(env, f);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throwStorageError(env, StorageFailure(ErrorCode::IoError, "out of memory"));
  }
}

void registerHashFunctions(Napi::Env env, Napi::Object exports);
void registerRecordFunctions(Napi::Env env, Napi::Object exports);
void registerThreadFunctions(Napi::Env env, Napi::Object exports);
void registerCleanerFunctions(Napi::Env env, Napi::Object exports);
Napi::Function defineLogClass(Napi::Env env);
Napi::Function defineDirLockClass(Napi::Env env);

}  // namespace samsa
