/*
 * bcryptprimitives.dll for Wine 8 (Debian 12), tests only.
 *
 * Go 1.22+ programs on Windows take their random bytes from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10/11 has and Wine 8.0 does not:
 * without it a Go .exe dies at start. This shim exports ProcessPrng over
 * advapi32's RtlGenRandom (SystemFunction036), which Wine implements. make
 * test builds it with the same mingw-w64 compiler as zhanggui.exe and copies
 * it into the throwaway Wine prefix's system32; it is never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills data with len random bytes and returns TRUE. Windows'
 * cannot fail; should RtlGenRandom fail here, it returns FALSE and the Go
 * runtime aborts, which is what a test wants. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst; (void)reason; (void)reserved;
	return TRUE;
}
