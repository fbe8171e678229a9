/**
 * `POST /blobs`: upload a model for `publishScorer`. The body is the raw bytes (any content
 * type), at most MAX_MODEL_BYTES; the answer is `{ sha256, bytes }`, the reference the mutation
 * takes. Blobs are content-addressed in the catalog, so uploading the same file twice stores it
 * once. Mounted after `requireKey(access, 'scorers:write')`; every upload is audited.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors/codes';
import { CodedError, errorBody } from '../errors/errors';
import type { PublishingService } from '../publishing/service';
import type { AuditLog } from '../services/access/audit';
import { principalOf } from './access';

export interface BlobUploadOptions {
  readonly publishing: Pick<PublishingService, 'uploadBlob'>;
  readonly audit: AuditLog;
  readonly maxBytes: number;
  readonly logger: Logger;
}

const STATUS: Partial<Record<ErrorCode, number>> = { [ErrorCode.BLOB_TOO_LARGE]: 413, [ErrorCode.BAD_USER_INPUT]: 400, [ErrorCode.CATALOG_UNAVAILABLE]: 503 };

export function blobUploadHandler(o: BlobUploadOptions): Array<express.RequestHandler | express.ErrorRequestHandler> {
  const raw = express.raw({ type: () => true, limit: o.maxBytes });
  const audit = (res: Response, detail: unknown, outcome: string): void => {
    const p = principalOf(res);
    try {
      o.audit.append({ keyId: p.keyId, keyName: p.keyName, role: p.role }, 'uploadBlob', detail, outcome);
    } catch (err) {
      o.logger.error({ err: (err as Error).message }, 'audit log write failed');
    }
  };
  const tooLarge = (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') {
      audit(res, { max: o.maxBytes }, ErrorCode.BLOB_TOO_LARGE);
      res.status(413).json(errorBody(ErrorCode.BLOB_TOO_LARGE, `the upload is larger than MAX_MODEL_BYTES (${o.maxBytes} bytes)`, { max: o.maxBytes }));
      return;
    }
    if (typeof type === 'string') {
      res.status(400).json(errorBody(ErrorCode.BAD_USER_INPUT, `body: ${(err as Error).message}`, { field: 'body' }));
      return;
    }
    next(err);
  };
  const upload = async (req: Request, res: Response): Promise<void> => {
    const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.length) : new Uint8Array(0);
    try {
      const ref = await o.publishing.uploadBlob(bytes);
      audit(res, ref, 'ok');
      res.status(201).json(ref);
    } catch (err) {
      if (!(err instanceof CodedError)) {
        o.logger.error({ err: (err as Error).message }, 'blob upload failed');
        res.status(500).json(errorBody(ErrorCode.INTERNAL_SERVER_ERROR, 'the upload failed'));
        return;
      }
      audit(res, { bytes: bytes.length }, err.code);
      res.status(STATUS[err.code] ?? 400).json(errorBody(err.code, err.message, { ...err.details }));
    }
  };
  return [raw, tooLarge, (req: Request, res: Response) => void upload(req, res)];
}
