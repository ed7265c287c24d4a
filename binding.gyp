{
  'includes': ['native/sources.gypi'],
  'targets': [
    {
      'target_name': 'samsa_native',
      'sources': ['<@(samsa_native_sources)'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-std=gnu++17', '-std=gnu++20'],
      'cflags_cc': ['-std=c++17', '-O3', '-fexceptions', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'xcode_settings': {
        'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
        'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
        'OTHER_CPLUSPLUSFLAGS': ['-O3'],
      },
    },
  ],
}
