import { InvalidInputError } from '../../core/common/errors';
import { parseJsonText } from '../../core/formats/jsonInput';
import { parseRunRequest, RunRequest } from '../runRequest';
import { HttpError } from './httpJson';

export interface ServiceRequestOptions {
  remoteKernels: boolean;
  /** The most memory a local kernel may have, in MB (0: no ceiling): the limit when a request sets none or more. */
  memoryCeilingMB: number;
}

/**
 * The body of `POST /run_jupyter` as a RunRequest, or an HttpError 400 naming the field at fault. Nothing is
 * started before this has passed. With kernels on a Jupyter Server there is no local directory to hold files.
 */
export function parseServiceRequest(body: Buffer, options: ServiceRequestOptions): RunRequest {
  let request: RunRequest;
  try {
    request = parseRunRequest(parseJsonText('body', body.toString('utf8')));
  } catch (error) {
    if (error instanceof InvalidInputError) throw new HttpError(400, error.message, error.field);
    throw error;
  }
  if (options.remoteKernels) {
    const field = Object.keys(request.files).length > 0 ? 'files' : request.fetchFiles.length > 0 ? 'fetch_files' : undefined;
    if (field) throw new HttpError(400, `${field} is not supported when kernels run on a Jupyter Server (--server).`, field);
  }
  if (!options.remoteKernels && options.memoryCeilingMB > 0 && (request.memoryLimitMB <= 0 || request.memoryLimitMB > options.memoryCeilingMB)) {
    request.memoryLimitMB = options.memoryCeilingMB;
  }
  return request;
}
