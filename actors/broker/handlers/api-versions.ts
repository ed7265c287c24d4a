import { buildApiVersionsResponse, ErrorCode } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

/** v0-4; v3+ carry the client's software name. An unsupported version is answered in v0 by the dispatcher. */
export const apiVersions = defineHandler({
  apiKey: 18,
  advertised: { min: 0, max: 4 },
  accepts: { min: 0, max: 4 },
  handle(ctx, req) {
    if (ctx.header.apiVersion >= 3 && !/^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/.test(req.clientSoftwareName || 'x')) {
      return { errorCode: ErrorCode.INVALID_REQUEST };
    }
    return buildApiVersionsResponse(ctx.broker.surface);
  },
  errorResponse: (_req, code) => ({ errorCode: code }),
});
