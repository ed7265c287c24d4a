# The one list of native sources. binding.gyp includes this file; CMakeLists.txt
# parses the 'samsa_native_sources' list out of it, so both builds compile the
# same files. Paths are relative to the project root (gyp does not rebase
# paths held in variables).
{
  'variables': {
    'samsa_native_sources': [
      'native/src/addon.cc',
      'native/src/crc32c_portable.cc',
      'native/src/crc32c_sse42.cc',
      'native/src/crc32c.cc',
      'native/src/murmur2.cc',
      'native/src/murmur2_avx2.cc',
      'native/src/murmur2_avx512.cc',
      'native/src/record_batch.cc',
      'native/src/record_walk.cc',
      'native/src/file_io.cc',
      'native/src/mapping.cc',
      'native/src/index_file.cc',
      'native/src/offset_index.cc',
      'native/src/time_index.cc',
      'native/src/log_segment.cc',
      'native/src/segment_flusher.cc',
      'native/src/segment_deleter.cc',
      'native/src/partition_log.cc',
      'native/src/log_recovery.cc',
      'native/src/segment_swap.cc',
      'native/src/log_registry.cc',
      'native/src/hash_binding.cc',
      'native/src/record_binding.cc',
      'native/src/log_binding.cc',
      'native/src/dir_lock.cc',
      'native/src/thread_priority.cc',
    ],
  },
}
