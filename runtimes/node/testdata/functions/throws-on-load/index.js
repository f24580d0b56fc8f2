throw new RangeError('configuration missing');
