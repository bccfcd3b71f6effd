console.log('signet-server: not yet');
