// The system's zlib (zlib1g-dev on Debian), for VigilIO's raw-deflate inflater.
#include <zlib.h>
