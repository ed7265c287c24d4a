// crc32c and murmur2 for JavaScript. Arguments are checked only enough that a
// wrong type cannot crash the process; native/hashing.ts does the validation.
#include "addon.h"
#include "crc32c.h"
#include "murmur2.h"

namespace samsa {
namespace {

struct Bytes {
  const uint8_t* data;
  size_t length;
};

Bytes bytesOf(Napi::Env env, const Napi::Value& v) {
  if (!v.IsTypedArray()) throwInvalidArgument(env, "expected a Uint8Array");
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  const uint8_t* base = static_cast<const uint8_t*>(a.ArrayBuffer().Data());
  return Bytes{base + a.ByteOffset(), a.ByteLength()};
}

// Optional [start, end) window into the bytes, for checksumming a batch's
// CRC range without a subarray.
Bytes windowOf(const Napi::CallbackInfo& info) {
  Bytes b = bytesOf(info.Env(), info[0]);
  if (info.Length() >= 3 && info[1].IsNumber() && info[2].IsNumber()) {
    int64_t start = info[1].As<Napi::Number>().Int64Value();
    int64_t end = info[2].As<Napi::Number>().Int64Value();
    if (start < 0 || end < start || static_cast<size_t>(end) > b.length) throwInvalidArgument(info.Env(), "range outside the buffer");
    return Bytes{b.data + start, static_cast<size_t>(end - start)};
  }
  return b;
}

Napi::Value Crc32c(const Napi::CallbackInfo& info) {
  Bytes b = windowOf(info);
  return Napi::Number::New(info.Env(), crc32c(b.data, b.length));
}

Napi::Value Crc32cPortable(const Napi::CallbackInfo& info) {
  Bytes b = windowOf(info);
  return Napi::Number::New(info.Env(), crc32cPortable(b.data, b.length));
}

Napi::Value Crc32cHardware(const Napi::CallbackInfo& info) {
  if (!crc32cHardwareAvailable()) throwInvalidArgument(info.Env(), "this CPU has no SSE4.2");
  Bytes b = windowOf(info);
  return Napi::Number::New(info.Env(), crc32cHardware(b.data, b.length));
}

Napi::Value Crc32cHardwareAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), crc32cHardwareAvailable());
}

Napi::Value Murmur2(const Napi::CallbackInfo& info) {
  Bytes b = bytesOf(info.Env(), info[0]);
  return Napi::Number::New(info.Env(), murmur2(b.data, b.length));
}

const struct {
  const char* name;
  Murmur2Kernel kernel;
} kMurmur2Kernels[] = {{"avx512", Murmur2Kernel::kAvx512}, {"avx2", Murmur2Kernel::kAvx2}, {"portable", Murmur2Kernel::kPortable}};

// murmur2Batch(keys, offsets, out, numPartitions[, kernel]): key i is
// keys[offsets[i], offsets[i+1]); out[i] gets its hash, or its partition when
// numPartitions > 0. One crossing for the whole batch. `kernel` ('avx512',
// 'avx2', 'portable') forces one kernel, for tests and benchmarks.
Napi::Value Murmur2Batch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes keys = bytesOf(env, info[0]);
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      !info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      !info[3].IsNumber()) {
    throwInvalidArgument(env, "murmur2Batch(keys, offsets: Int32Array, out: Int32Array, numPartitions)");
  }
  Napi::Int32Array offsets = info[1].As<Napi::Int32Array>();
  Napi::Int32Array out = info[2].As<Napi::Int32Array>();
  int32_t numPartitions = info[3].As<Napi::Number>().Int32Value();
  size_t count = offsets.ElementLength() == 0 ? 0 : offsets.ElementLength() - 1;
  if (out.ElementLength() < count || numPartitions < 0) throwInvalidArgument(env, "output too small or bad partition count");
  const int32_t* off = offsets.Data();
  // Inside the buffer when the first offset is >= 0, the last <= its length and
  // none goes down; the loop has no exits, so the compiler vectorizes it.
  bool descends = false;
  for (size_t i = 0; i < count; i++) descends |= off[i + 1] < off[i];
  if (count > 0 && (descends || off[0] < 0 || static_cast<size_t>(off[count]) > keys.length)) {
    throwInvalidArgument(env, "key offsets outside the keys buffer");
  }
  if (info.Length() >= 5 && !info[4].IsUndefined()) {
    if (!info[4].IsString()) throwInvalidArgument(env, "kernel must be a string");
    const std::string name = info[4].As<Napi::String>().Utf8Value();
    for (const auto& k : kMurmur2Kernels) {
      if (name != k.name) continue;
      if (!murmur2KernelAvailable(k.kernel)) throwInvalidArgument(env, "this CPU cannot run the " + name + " murmur2 kernel");
      murmur2BatchWith(k.kernel, keys.data, off, count, numPartitions, out.Data());
      return env.Undefined();
    }
    throwInvalidArgument(env, "unknown murmur2 kernel " + name);
  }
  murmur2Batch(keys.data, off, count, numPartitions, out.Data());
  return env.Undefined();
}

// The kernels this CPU can run, fastest first: the first is what murmur2Batch uses.
Napi::Value Murmur2Kernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array names = Napi::Array::New(env);
  uint32_t n = 0;
  for (const auto& k : kMurmur2Kernels) {
    if (murmur2KernelAvailable(k.kernel)) names.Set(n++, Napi::String::New(env, k.name));
  }
  return names;
}

}  // namespace

void registerHashFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("crc32c", Napi::Function::New(env, Crc32c, "crc32c"));
  exports.Set("crc32cPortable", Napi::Function::New(env, Crc32cPortable, "crc32cPortable"));
  exports.Set("crc32cHardware", Napi::Function::New(env, Crc32cHardware, "crc32cHardware"));
  exports.Set("crc32cHardwareAvailable", Napi::Function::New(env, Crc32cHardwareAvailable, "crc32cHardwareAvailable"));
  exports.Set("murmur2", Napi::Function::New(env, Murmur2, "murmur2"));
  exports.Set("murmur2Batch", Napi::Function::New(env, Murmur2Batch, "murmur2Batch"));
  exports.Set("murmur2Kernels", Napi::Function::New(env, Murmur2Kernels, "murmur2Kernels"));
}

}  // namespace samsa
