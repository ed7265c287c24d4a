// NativeLog: the JS handle on a PartitionLog. Results travel in caller-owned
// Float64Arrays so an append or read allocates no JS objects beyond the views.
// Argument shapes are validated in native/partition-log.ts; here only enough
// to keep a wrong call from crashing the process.
#include <cerrno>
#include <cmath>
#include <cstring>

#include "addon.h"
#include "log_registry.h"

namespace samsa {
namespace {

// Layouts of the Float64Array results (mirrored in native/native-types.ts).
constexpr size_t kAppendResultFields = 9;
constexpr size_t kReadResultFields = 3;
constexpr size_t kBatchHeaderFields = 13;
constexpr size_t kSegmentFields = 4;
constexpr size_t kOffsetsFields = 3;

int64_t int64Arg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) throwInvalidArgument(info.Env(), "argument " + std::to_string(i) + " must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (std::isnan(d)) throwInvalidArgument(info.Env(), "argument " + std::to_string(i) + " is NaN");
  if (d >= 9.2e18) return INT64_MAX;
  if (d <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(d);
}

double* resultArray(const Napi::CallbackInfo& info, size_t i, size_t fields) {
  // One napi_get_typedarray_info instead of a call per property: every log call passes one of these.
  napi_value v = info[i];
  bool isTypedArray = false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_is_typedarray(info.Env(), v, &isTypedArray) == napi_ok && isTypedArray &&
      napi_get_typedarray_info(info.Env(), v, &type, &length, &data, nullptr, nullptr) == napi_ok &&
      type == napi_float64_array && length >= fields) {
    return static_cast<double*>(data);
  }
  throwInvalidArgument(info.Env(), "argument " + std::to_string(i) + " must be a Float64Array of " + std::to_string(fields));
}

class NativeLog : public Napi::ObjectWrap<NativeLog> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeLog",
                       {
                           InstanceMethod("append", &NativeLog::Append),
                           InstanceMethod("read", &NativeLog::Read),
                           InstanceMethod("offsetForTimestamp", &NativeLog::OffsetForTimestamp),
                           InstanceMethod("scanBatches", &NativeLog::ScanBatches),
                           InstanceMethod("segments", &NativeLog::Segments),
                           InstanceMethod("offsets", &NativeLog::Offsets),
                           InstanceMethod("flush", &NativeLog::Flush),
                           InstanceMethod("truncateTo", &NativeLog::TruncateTo),
                           InstanceMethod("advanceLogStart", &NativeLog::AdvanceLogStart),
                           InstanceMethod("replaceSegmentGroups", &NativeLog::ReplaceSegmentGroups),
                           InstanceMethod("recoveryReport", &NativeLog::RecoveryReport),
                           InstanceMethod("close", &NativeLog::Close),
                           InstanceMethod("injectWriteFault", &NativeLog::InjectWriteFault),
                       });
  }

  // new NativeLog("open", dir, segmentBytes, segmentMs, segmentIndexBytes,
  //               indexIntervalBytes, recoveryPoint, logStartOffset, nowMs)
  // new NativeLog("attach", dir)
  NativeLog(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeLog>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString() || !info[1].IsString()) throwInvalidArgument(env, "NativeLog(mode, dir, ...)");
    std::string mode = info[0].As<Napi::String>();
    std::string dir = info[1].As<Napi::String>();
    guarded(env, [&] {
      if (mode == "attach") {
        log_ = LogRegistry::attach(dir);
        owner_ = false;
        return;
      }
      LogConfig config{static_cast<uint64_t>(int64Arg(info, 2)), int64Arg(info, 3),
                       static_cast<uint64_t>(int64Arg(info, 4)), static_cast<uint64_t>(int64Arg(info, 5))};
      log_ = LogRegistry::open(dir, config, int64Arg(info, 6), int64Arg(info, 7), int64Arg(info, 8));
      owner_ = true;
    });
  }

  ~NativeLog() override {
    // A handle dropped without close(): the owner's log closes when its last
    // reference (this one, or a reader's handle) goes.
    log_.reset();
  }

 private:
  PartitionLog& log(Napi::Env env) {
    if (!log_) throwStorageError(env, StorageFailure(ErrorCode::Closed, "partition log handle is closed"));
    return *log_;
  }
  PartitionLog& writableLog(Napi::Env env) {
    PartitionLog& l = log(env);
    if (!owner_) throwStorageError(env, StorageFailure(ErrorCode::ReadOnly, "attached log handles are read-only"));
    return l;
  }

  // append(buf, out, assignOffsets, leaderEpoch|null, logAppendTime, nowMs, durable, keyedOnly)
  Napi::Value Append(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = writableLog(env);
    if (!info[0].IsTypedArray()) throwInvalidArgument(env, "append expects a Uint8Array");
    Napi::TypedArray buf = info[0].As<Napi::TypedArray>();
    uint8_t* data = static_cast<uint8_t*>(buf.ArrayBuffer().Data()) + buf.ByteOffset();
    double* out = resultArray(info, 1, kAppendResultFields);
    AppendOptions o{};
    o.assignOffsets = info[2].ToBoolean();
    o.setLeaderEpoch = info[3].IsNumber();
    o.leaderEpoch = o.setLeaderEpoch ? info[3].As<Napi::Number>().Int32Value() : 0;
    o.logAppendTime = info[4].ToBoolean();
    o.nowMs = int64Arg(info, 5);
    o.durable = info[6].ToBoolean();
    o.keyedOnly = info[7].ToBoolean();
    AppendResult r = guarded(env, [&] { return l.append(data, buf.ByteLength(), o); });
    out[0] = static_cast<double>(r.baseOffset);
    out[1] = static_cast<double>(r.lastOffset);
    out[2] = static_cast<double>(r.logAppendTime);
    out[3] = static_cast<double>(r.maxTimestamp);
    out[4] = static_cast<double>(r.offsetOfMaxTimestamp);
    out[5] = r.batches;
    out[6] = static_cast<double>(r.bytes);
    out[7] = static_cast<double>(r.records);
    out[8] = r.rolled ? 1 : 0;
    return env.Undefined();
  }

  // read(offset, maxBytes, maxOffsetExclusive, out) -> Buffer[] (views)
  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = log(env);
    int64_t offset = int64Arg(info, 0);
    int64_t maxBytes = int64Arg(info, 1);
    int64_t maxOffset = int64Arg(info, 2);
    double* out = resultArray(info, 3, kReadResultFields);
    ReadResult r = guarded(env, [&] { return l.read(offset, maxBytes < 0 ? 0 : static_cast<uint64_t>(maxBytes), maxOffset); });
    Napi::Array views = Napi::Array::New(env, r.views.size());
    for (size_t i = 0; i < r.views.size(); i++) {
      View& v = r.views[i];
      auto* keepAlive = new std::shared_ptr<Mapping>(std::move(v.mapping));
      Napi::Buffer<uint8_t> view = Napi::Buffer<uint8_t>::New(
          env, const_cast<uint8_t*>(v.data), v.length,
          [](Napi::Env, uint8_t*, std::shared_ptr<Mapping>* hint) { delete hint; }, keepAlive);
      views.Set(static_cast<uint32_t>(i), view);
    }
    out[0] = static_cast<double>(r.firstOffset);
    out[1] = static_cast<double>(r.nextOffset);
    out[2] = static_cast<double>(r.bytes);
    return views;
  }

  // offsetForTimestamp(ts, out) -> out = [offset, timestamp] (-1 when none)
  Napi::Value OffsetForTimestamp(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = log(env);
    int64_t ts = int64Arg(info, 0);
    double* out = resultArray(info, 1, 2);
    auto r = guarded(env, [&] { return l.offsetForTimestamp(ts); });
    out[0] = static_cast<double>(r.first);
    out[1] = static_cast<double>(r.second);
    return env.Undefined();
  }

  // scanBatches(from, maxBatches) -> Float64Array, kBatchHeaderFields per batch
  Napi::Value ScanBatches(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = log(env);
    int64_t from = int64Arg(info, 0);
    int64_t max = int64Arg(info, 1);
    auto headers = guarded(env, [&] { return l.scanBatches(from, static_cast<uint32_t>(max < 0 ? 0 : (max > UINT32_MAX ? UINT32_MAX : max))); });
    Napi::Float64Array out = Napi::Float64Array::New(env, headers.size() * kBatchHeaderFields);
    double* d = out.Data();
    for (const batch::Header& h : headers) {
      d[0] = static_cast<double>(h.baseOffset);
      d[1] = static_cast<double>(h.lastOffset());
      d[2] = static_cast<double>(h.producerId);
      d[3] = h.producerEpoch;
      d[4] = h.baseSequence;
      d[5] = h.recordCount;
      d[6] = static_cast<double>(h.baseTimestamp);
      d[7] = static_cast<double>(h.maxTimestamp);
      d[8] = h.partitionLeaderEpoch;
      d[9] = h.attributes;
      d[10] = static_cast<double>(h.sizeInBytes());
      d[11] = h.magic;
      d[12] = h.crc;
      d += kBatchHeaderFields;
    }
    return out;
  }

  Napi::Value Segments(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = log(env);
    auto segments = guarded(env, [&] { return l.segments(); });
    Napi::Float64Array out = Napi::Float64Array::New(env, segments.size() * kSegmentFields);
    double* d = out.Data();
    for (const SegmentInfo& s : segments) {
      d[0] = static_cast<double>(s.baseOffset);
      d[1] = static_cast<double>(s.bytes);
      d[2] = static_cast<double>(s.maxTimestamp);
      d[3] = static_cast<double>(s.largestTimestamp);
      d += kSegmentFields;
    }
    return out;
  }

  // offsets(out) -> out = [logStartOffset, logEndOffset, recoveryPoint]
  Napi::Value Offsets(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = log(env);
    double* out = resultArray(info, 0, kOffsetsFields);
    if (l.isClosed()) throwStorageError(env, StorageFailure(ErrorCode::Closed, "partition log " + l.dir() + " is closed"));
    out[0] = static_cast<double>(l.logStartOffset());
    out[1] = static_cast<double>(l.logEndOffset());
    out[2] = static_cast<double>(l.recoveryPoint());
    return env.Undefined();
  }

  Napi::Value Flush(const Napi::CallbackInfo& info) {
    PartitionLog& l = writableLog(info.Env());
    guarded(info.Env(), [&] { l.flush(); });
    return info.Env().Undefined();
  }

  Napi::Value TruncateTo(const Napi::CallbackInfo& info) {
    PartitionLog& l = writableLog(info.Env());
    int64_t offset = int64Arg(info, 0);
    return Napi::Number::New(info.Env(), static_cast<double>(guarded(info.Env(), [&] { return l.truncateTo(offset); })));
  }

  Napi::Value AdvanceLogStart(const Napi::CallbackInfo& info) {
    PartitionLog& l = writableLog(info.Env());
    int64_t offset = int64Arg(info, 0);
    return Napi::Number::New(info.Env(), guarded(info.Env(), [&] { return l.advanceLogStart(offset); }));
  }

  // replaceSegmentGroups(spec Float64Array [firstBase, endOffset, n, (base, size) x n, ...], cleanedPaths string[]) -> boolean[]
  Napi::Value ReplaceSegmentGroups(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = writableLog(env);
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throwInvalidArgument(env, "replaceSegmentGroups expects a Float64Array of groups");
    }
    if (!info[1].IsArray()) throwInvalidArgument(env, "replaceSegmentGroups expects the cleaned files' paths");
    Napi::Float64Array spec = info[0].As<Napi::Float64Array>();
    Napi::Array paths = info[1].As<Napi::Array>();
    std::vector<SegmentSwap> swaps;
    size_t i = 0;
    const size_t n = spec.ElementLength();
    while (i < n) {
      if (i + 3 > n || swaps.size() >= paths.Length()) throwInvalidArgument(env, "replaceSegmentGroups: a group is cut short");
      SegmentSwap s;
      s.firstBase = static_cast<int64_t>(spec[i]);
      s.endOffset = static_cast<int64_t>(spec[i + 1]);
      const double count = spec[i + 2];
      i += 3;
      if (!(count >= 0) || i + 2 * static_cast<size_t>(count) > n) throwInvalidArgument(env, "replaceSegmentGroups: a group is cut short");
      for (size_t k = 0; k < static_cast<size_t>(count); k++, i += 2) {
        s.expected.emplace_back(static_cast<int64_t>(spec[i]), static_cast<uint64_t>(spec[i + 1]));
      }
      Napi::Value path = paths[static_cast<uint32_t>(swaps.size())];
      if (!path.IsString()) throwInvalidArgument(env, "replaceSegmentGroups: a cleaned path is not a string");
      s.cleanedPath = path.As<Napi::String>();
      swaps.push_back(std::move(s));
    }
    if (swaps.size() != paths.Length()) throwInvalidArgument(env, "replaceSegmentGroups: as many paths as groups");
    std::vector<bool> done = guarded(env, [&] { return l.replaceSegmentGroups(swaps); });
    Napi::Array out = Napi::Array::New(env, done.size());
    for (size_t k = 0; k < done.size(); k++) out.Set(static_cast<uint32_t>(k), Napi::Boolean::New(env, done[k]));
    return out;
  }

  Napi::Value RecoveryReport(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const samsa::RecoveryReport& r = log(env).recoveryReport();
    Napi::Object o = Napi::Object::New(env);
    o.Set("segmentsScanned", r.segmentsScanned);
    o.Set("bytesTruncated", static_cast<double>(r.bytesTruncated));
    o.Set("segmentsDeleted", r.segmentsDeleted);
    o.Set("indexesRebuilt", r.indexesRebuilt);
    return o;
  }

  // The owner's close() closes the log for every handle; a reader's close()
  // only drops its handle.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (log_ && owner_) guarded(env, [&] { log_->close(); });
    log_.reset();
    return env.Undefined();
  }

  // Test hook: injectWriteFault(errnoName, bytesBeforeFailure).
  Napi::Value InjectWriteFault(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PartitionLog& l = writableLog(env);
    std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    int err = name == "ENOSPC" ? ENOSPC : name == "EFBIG" ? EFBIG : name == "EIO" ? EIO : name == "EDQUOT" ? EDQUOT : 0;
    if (!name.empty() && name != "none" && err == 0) throwInvalidArgument(env, "unknown errno name " + name);
    l.injectWriteFault(err, int64Arg(info, 1));
    return env.Undefined();
  }

  std::shared_ptr<PartitionLog> log_;
  bool owner_ = false;
};

// indexCleanedSegment(dir, firstBase, endOffset, indexIntervalBytes, indexBytes): the log cleaner's half of a swap.
Napi::Value IndexCleanedSegment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsString()) throwInvalidArgument(env, "indexCleanedSegment(dir, firstBase, endOffset, indexIntervalBytes, indexBytes)");
  std::string dir = info[0].As<Napi::String>();
  int64_t firstBase = int64Arg(info, 1);
  int64_t endOffset = int64Arg(info, 2);
  int64_t interval = int64Arg(info, 3);
  int64_t indexBytes = int64Arg(info, 4);
  if (firstBase < 0 || endOffset <= firstBase || interval < 0 || indexBytes < 8) throwInvalidArgument(env, "indexCleanedSegment: bad offsets or sizes");
  guarded(env, [&] { indexCleanedSegment(dir, firstBase, endOffset, static_cast<uint64_t>(interval), static_cast<uint64_t>(indexBytes)); });
  return env.Undefined();
}

}  // namespace

Napi::Function defineLogClass(Napi::Env env) { return NativeLog::Define(env); }

void registerCleanerFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("indexCleanedSegment", Napi::Function::New(env, IndexCleanedSegment, "indexCleanedSegment"));
}

}  // namespace samsa
