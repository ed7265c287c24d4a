#include "addon.h"

namespace samsa {

SamsaAddon::SamsaAddon(Napi::Env env, Napi::Object exports) {
  DefineAddon(exports, {InstanceMethod("setErrorClass", &SamsaAddon::SetErrorClass)});
  registerHashFunctions(env, exports);
  registerRecordFunctions(env, exports);
  registerThreadFunctions(env, exports);
  registerCleanerFunctions(env, exports);
  Napi::Function log = defineLogClass(env);
  logClass = Napi::Persistent(log);
  exports.Set("NativeLog", log);
  exports.Set("NativeDirLock", defineDirLockClass(env));
}

Napi::Value SamsaAddon::SetErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throwInvalidArgument(info.Env(), "setErrorClass expects a class");
  errorClass = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

void throwStorageError(Napi::Env env, const StorageFailure& failure) {
  SamsaAddon* addon = env.GetInstanceData<SamsaAddon>();
  Napi::String message = Napi::String::New(env, failure.what());
  Napi::String code = Napi::String::New(env, errorCodeName(failure.code()));
  Napi::Object error;
  if (addon && !addon->errorClass.IsEmpty()) {
    error = addon->errorClass.New({message, code});
  } else {
    error = Napi::Error::New(env, failure.what()).Value();
    error.Set("code", code);
  }
  if (failure.sysErrno() != 0) error.Set("errno", Napi::Number::New(env, failure.sysErrno()));
  throw Napi::Error(env, error);
}

void throwInvalidArgument(Napi::Env env, const std::string& message) {
  throwStorageError(env, StorageFailure(ErrorCode::InvalidArgument, message));
}

}  // namespace samsa

using samsa::SamsaAddon;
NODE_API_ADDON(SamsaAddon)
