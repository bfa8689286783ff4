from sqlgate.cli.main import main

main()
