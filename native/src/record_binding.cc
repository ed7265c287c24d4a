// recordsProblem(bytes, count, keyedOnly) for JavaScript: the same walk the append runs
// on uncompressed batches, for a compressed batch's decompressed payload, so
// the two kinds of batch are held to one set of rules.
#include "addon.h"
#include "record_walk.h"

namespace samsa {
namespace {

// Returns null when `count` records fill the bytes exactly, else
// { record, message }.
Napi::Value RecordsProblem(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || !info[1].IsNumber()) throwInvalidArgument(env, "recordsProblem(bytes: Uint8Array, count: number, keyedOnly?: boolean)");
  Napi::TypedArray a = info[0].As<Napi::TypedArray>();
  const uint8_t* data = static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  int32_t count = info[1].As<Napi::Number>().Int32Value();
  if (count < 0) throwInvalidArgument(env, "record count must not be negative");
  batch::RecordsProblem problem{};
  if (batch::walkRecords(data, a.ByteLength(), count, info[2].ToBoolean(), &problem)) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("record", Napi::Number::New(env, problem.record));
  out.Set("message", Napi::String::New(env, problem.what));
  return out;
}

}  // namespace

void registerRecordFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("recordsProblem", Napi::Function::New(env, RecordsProblem, "recordsProblem"));
}

}  // namespace samsa
